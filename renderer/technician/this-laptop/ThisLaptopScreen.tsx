import { useEffect, type ReactElement } from 'react';
import { useClient } from '../../state/client.js';
import { Button } from '../../ui/Button.js';
import { ErrorBanner } from '../../ui/ErrorBanner.js';
import { RefreshIcon } from '../../ui/icons.js';
import { ScreenHeader } from '../../ui/ScreenHeader.js';
import { Overview, OverviewSkeleton } from './Overview.js';
import { useThisLaptop } from './store.js';

/** The This laptop screen: the technician's own computer as Bootmend sees it (never "machine": that is the PC being recovered). */
export function ThisLaptopScreen(): ReactElement {
  const client = useClient();
  const { data, error, loading, load } = useThisLaptop();

  useEffect(() => {
    const state = useThisLaptop.getState();
    if (state.data === null && !state.loading) void state.load(client);
  }, [client]);

  return (
    <>
      <ScreenHeader
        title="This laptop"
        lead="The laptop Bootmend is running on: its system and every disk it can see."
        actions={
          data ? (
            <Button icon={<RefreshIcon />} busy={loading} onClick={() => void load(client)}>
              {loading ? 'Refreshing…' : 'Refresh'}
            </Button>
          ) : null
        }
      />
      {error ? (
        <ErrorBanner
          title="Could not read this laptop's details"
          message={error}
          action={
            <Button variant="primary" icon={<RefreshIcon />} busy={loading} onClick={() => void load(client)}>
              Retry
            </Button>
          }
        />
      ) : null}
      {data ? <Overview overview={data} /> : error ? null : <OverviewSkeleton />}
    </>
  );
}
