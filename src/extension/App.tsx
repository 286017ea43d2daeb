/** The extension's shell: Looker's theme, two tabs (Journeys, Person) that are routes, so the URL says where you are. */
import { ComponentsProvider, Tab2, Tabs2, SpaceVertical } from '@looker/components';
import { Redirect, Route, Switch, useHistory, useLocation } from 'react-router-dom';
import { JourneysView } from './journeys/JourneysView';
import { PersonView } from './person/PersonView';

export const ROUTES = { journeys: '/journeys', person: '/person' } as const;

function Navigation() {
  const location = useLocation();
  const history = useHistory();
  const current = location.pathname.startsWith(ROUTES.person) ? 'person' : 'journeys';
  return (
    <Tabs2 tabId={current} onTabChange={(id) => id !== current && history.push(ROUTES[id as keyof typeof ROUTES])}>
      <Tab2 id="journeys" label="Journeys" data-testid="nav-journeys" />
      <Tab2 id="person" label="Person" data-testid="nav-person" />
    </Tabs2>
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
