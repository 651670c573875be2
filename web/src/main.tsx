/** The runs page: the gateway's own frontend, built only on its public GraphQL API. */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { render } from 'preact';
import { EvaluateView } from './evaluate';
import { type Route, useRoute } from './router';
import { RunView } from './run';
import { RunsView } from './runs';
import { SubmitView } from './submit';
import { CredentialBar, useCredentialEpoch } from './ui';

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'runs':
      return <RunsView key={route.query.get('status') ?? ''} query={route.query} />;
    case 'evaluate':
      return <EvaluateView key={route.id} id={route.id} query={route.query} />;
    case 'submit':
      return <SubmitView />;
    case 'run':
      return <RunView key={route.id} id={route.id} />;
    default:
      return (
        <p>
          Nothing here. <a href="#/">Back to the runs</a>
        </p>
      );
  }
}

function App() {
  const route = useRoute();
  const epoch = useCredentialEpoch();
  return (
    <>
      <header class="top">
        <a class="brand" href="#/">
          ScaiMind runs
        </a>
        <nav>
          <a href="#/">Runs</a>
          <a href="#/new">New training job</a>
          <a href="/graphql">GraphiQL</a>
        </nav>
        <CredentialBar />
      </header>
      <main>
        <View key={epoch} route={route} />
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
