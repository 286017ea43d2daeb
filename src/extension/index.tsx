/** Bundle entry: Looker loads dist/bundle.js into its extension iframe; the provider connects to the host. */
import ReactDOM from 'react-dom';
import { ExtensionProvider40 } from '@looker/extension-sdk-react';
import { App } from './App';

/**
 * How long one API call may wait for Looker. chatty's default (30 s) would fail honest long-running queries;
 * the UI shows progress and a Cancel button instead, so the transport waits up to 10 minutes.
 */
export const API_TIMEOUT_MS = 10 * 60 * 1000;

const root = document.createElement('div');
root.id = 'journey-stitch-extension';
document.body.style.margin = '0';
document.body.appendChild(root);

ReactDOM.render(
  <ExtensionProvider40
    chattyTimeout={API_TIMEOUT_MS}
    loadingComponent={<div data-testid="extension-connecting">Connecting to Looker…</div>}
  >
    <App />
  </ExtensionProvider40>,
  root,
);
