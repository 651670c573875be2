/** The runs page: the gateway's own frontend, built only on its public GraphQL API. */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type Route, useRoute } from './router';
import { RunsView } from './runs';
import { CredentialBar, ErrorBox, useCredentialEpoch } from './ui';

/**
 * The run, evaluate and submit views (and uPlot with them) load on first use, so the runs list,
 * the page people open first, downloads only what it needs.
 */
const loadRun = () => import('./run');
const loadEvaluate = () => import('./evaluate');
const loadSubmit = () => import('./submit');

function useModule<T>(load: () => Promise<T>): { module: T | null; error: unknown } {
  const [state, setState] = useState<{ module: T | null; error: unknown }>({ module: null, error: null });
  useEffect(() => {
    load().then(
      (module) => setState({ module, error: null }),
      (error: unknown) => setState({ module: null, error }),
    );
  }, [load]);
  return state;
}

function Loading({ error }: { error: unknown }) {
  return error ? <ErrorBox error={error} title="This view could not be loaded" /> : <p class="muted">Loading…</p>;
}

function LazyRun({ id }: { id: string }) {
  const { module, error } = useModule(loadRun);
  return module ? <module.RunView id={id} /> : <Loading error={error} />;
}

function LazyEvaluate({ id, query }: { id: string; query: URLSearchParams }) {
  const { module, error } = useModule(loadEvaluate);
  return module ? <module.EvaluateView id={id} query={query} /> : <Loading error={error} />;
}

function LazySubmit() {
  const { module, error } = useModule(loadSubmit);
  return module ? <module.SubmitView /> : <Loading error={error} />;
}

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'runs':
      return (
        <RunsView key={`${route.query.get('status') ?? ''}|${route.query.get('label') ?? ''}`} query={route.query} />
      );
    case 'evaluate':
      return <LazyEvaluate key={route.id} id={route.id} query={route.query} />;
    case 'submit':
      return <LazySubmit />;
    case 'run':
      return <LazyRun key={route.id} id={route.id} />;
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
