import type { ReactElement, ReactNode } from 'react';

export interface KeyValueItem {
  label: string;
  value: ReactNode;
  /** Forwarded to the value element, for tests that read one value. */
  testId?: string;
  mono?: boolean;
}

/** A definition list of facts, laid out in columns that wrap. */
export function KeyValueList({ items, columns = 2 }: { items: KeyValueItem[]; columns?: 1 | 2 | 3 | 4 }): ReactElement {
  return (
    <dl className={`kv kv--cols-${columns}`}>
      {items.map((item) => (
        <div className="kv__row" key={item.label}>
          <dt className="kv__label">{item.label}</dt>
          <dd className={`kv__value${item.mono ? ' mono' : ''}`} data-testid={item.testId}>
            {item.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
