/** The extension's shell: Looker's theme, two tabs (Journeys, Person) that are routes, so the URL says where you are. */
import { useRef } from 'react';
import { ComponentsProvider, SpaceVertical, Tab2, Tabs2 } from '@looker/components';
import { Redirect, Route, Switch, useHistory, useLocation } from 'react-router-dom';
import { JourneysView } from './journeys/JourneysView';
import { PersonView } from './person/PersonView';

export const ROUTES = { journeys: '/journeys', person: '/person' } as const;

type TabId = keyof typeof ROUTES;

function Navigation() {
  const location = useLocation();
  const history = useHistory();
  const current: TabId = location.pathname.startsWith(ROUTES.person) ? 'person' : 'journeys';
  // Each tab's last URL (its filters, its person), so going back to a tab finds it as it was left.
  const lastSearch = useRef<Partial<Record<TabId, string>>>({});
  lastSearch.current[current] = location.search;
  const open = (id: TabId) => history.push(`${ROUTES[id]}${lastSearch.current[id] ?? ''}`);
  return (
    // Tabs2 renders its own buttons (id "tab-<id>"), so the stable hook for tests is the nav wrapper.
    <nav data-testid="nav">
      <Tabs2 tabId={current} onTabChange={(id) => id !== current && open(id as TabId)}>
        <Tab2 id="journeys" label="Journeys" />
        <Tab2 id="person" label="Person" />
      </Tabs2>
    </nav>
  );
}

export function App() {
  return (
    <ComponentsProvider loadGoogleFonts={false}>
      <SpaceVertical gap="none">
        <Navigation />
        <Switch>
          <Route path={ROUTES.person}>
            <PersonView />
          </Route>
          <Route path={ROUTES.journeys}>
            <JourneysView />
          </Route>
          <Route>
            <Redirect to={ROUTES.journeys} />
          </Route>
        </Switch>
      </SpaceVertical>
    </ComponentsProvider>
  );
}
