/**
 * The designed non-data states of a query: running (with elapsed time and Cancel), cancelled, permission denied
 * (a missing manifest entitlement, or a Looker user without access), and failed. Each has a stable data-testid.
 */
import type { ReactNode } from 'react';
import { Button, ButtonOutline, MessageBar, Paragraph, Space, SpaceVertical, Spinner, Code } from '@looker/components';
import { EXTENSION_ID, LOOKER_MODEL } from '../../contract/looker';
import type { QueryError } from '../looker/runQuery';
import { useElapsedSeconds, type AsyncState } from '../looker/useLooker';

export function Loading({ startedAt, onCancel, what }: { startedAt: number; onCancel: () => void; what: string }) {
  const seconds = useElapsedSeconds(startedAt);
  return (
    <Space data-testid="query-loading" role="status" aria-live="polite" py="large" gap="medium">
      <Spinner size={28} />
      <Paragraph>
        Loading {what}… {seconds > 0 ? `${seconds} s` : ''}
      </Paragraph>
      <ButtonOutline size="small" data-testid="query-cancel" onClick={onCancel}>
        Cancel
      </ButtonOutline>
    </Space>
  );
}

/** Looker refused the query: what was refused, what to do about it, and Looker's own words. */
function Refusal(props: { reason: string; intent: 'critical' | 'warn'; title: ReactNode; looker: string; children: ReactNode }) {
  return (
    <div data-testid="permission-denied" data-reason={props.reason}>
      <MessageBar intent={props.intent} noActions>
        <SpaceVertical gap="xsmall">
          <Paragraph fontWeight="semiBold">{props.title}</Paragraph>
          <Paragraph>{props.children}</Paragraph>
          <Paragraph fontSize="xsmall" color="text2">
            Looker said: {props.looker}
          </Paragraph>
        </SpaceVertical>
      </MessageBar>
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: QueryError; onRetry: () => void }) {
  switch (error.kind) {
    case 'cancelled':
      return (
        <Space data-testid="query-cancelled" py="large" gap="medium">
          <Paragraph>Query cancelled. Change a filter or run it again.</Paragraph>
          <Button size="small" onClick={onRetry}>
            Run again
          </Button>
        </Space>
      );
    case 'entitlement':
      return (
        <Refusal
          reason="entitlement"
          intent="critical"
          title={<>This extension is not entitled to call {error.method}.</>}
          looker={error.message}
        >
          Add <Code>"{error.method}"</Code> to <Code>core_api_methods</Code> in the <Code>entitlements</Code> of application{' '}
          <Code>{EXTENSION_ID}</Code> in manifest.lkml, deploy, and reload.
        </Refusal>
      );
    case 'permission':
      return (
        <Refusal reason="looker-permission" intent="warn" title="Your Looker account cannot run this query." looker={error.message}>
          It needs access to the <Code>{LOOKER_MODEL}</Code> model (a role with access_data on a model set that includes it). Ask a Looker
          admin.
        </Refusal>
      );
    default:
      return (
        <div data-testid="query-error">
          <MessageBar intent="critical" primaryAction="Retry" onPrimaryClick={onRetry}>
            The query failed: {error.message}
          </MessageBar>
        </div>
      );
  }
}

/** Renders the loading/error states of `state`, or `children(data)` once it succeeded. */
export function QueryStatus<T>({
  state,
  cancel,
  retry,
  what,
  children,
}: {
  state: AsyncState<T>;
  cancel: () => void;
  retry: () => void;
  what: string;
  children: (data: T) => JSX.Element;
}) {
  if (state.status === 'idle') return null;
  if (state.status === 'loading') return <Loading startedAt={state.startedAt} onCancel={cancel} what={what} />;
  if (state.status === 'error') return <ErrorState error={state.error} onRetry={retry} />;
  return children(state.data);
}

export function EmptyState({ children }: { children: React.ReactNode }) {
  return (
    <SpaceVertical data-testid="empty-state" py="xlarge" align="center">
      {children}
    </SpaceVertical>
  );
}

export function LimitNotice({
  limit,
  what,
  total,
  advice = 'Narrow the filters to see everything.',
}: {
  limit: number;
  what: string;
  total?: number | null;
  advice?: string;
}) {
  const of = total !== undefined && total !== null && total > limit ? ` of ${total.toLocaleString('en-US')}` : '';
  return (
    <div data-testid="limit-notice">
      <MessageBar intent="inform" noActions>
        Showing the first {limit.toLocaleString('en-US')}
        {of} {what} (the server-side limit). {advice}
      </MessageBar>
    </div>
  );
}
