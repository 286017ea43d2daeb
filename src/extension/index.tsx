/** Bundle entry: Looker loads dist/bundle.js into its extension iframe; the provider connects to the host. */
import ReactDOM from 'react-dom';
import { ExtensionProvider40 } from '@looker/extension-sdk-react';
import { App } from './App';

const root = document.createElement('div');
root.id = 'journey-stitch-extension';
document.body.style.margin = '0';
document.body.appendChild(root);

ReactDOM.render(
  <ExtensionProvider40 requiredLookerVersion=">=22.0">
    <App />
  </ExtensionProvider40>,
  root,
);
