import { useState, type ReactElement } from 'react';
import { Card } from '../../ui/Card.js';
import { Field } from '../../ui/Field.js';
import { CloudIcon } from '../../ui/icons.js';
import { EscrowAsk } from './EscrowAsk.js';
import { GraphSignInBox } from './GraphSignInBox.js';
import { KeyIdInput } from './KeyIdInput.js';

/**
 * Without an open vault (none on this laptop, or locked) a key ID can still be looked up where
 * it is kept centrally: Microsoft Graph (signed in) or the backend's escrow. The vault step says what it would add.
 */
export function OnlineLookupCard({ vault }: { vault: 'absent' | 'locked' }): ReactElement {
  const [keyId, setKeyId] = useState('');
  return (
    <Card
      title="Look up a key ID without the vault"
      id="keys-online-lookup"
      icon={<CloudIcon size={24} />}
      testId="online-lookup"
      description={vault === 'locked' ? 'Vault locked — unlock to search it too.' : 'No key vault on this laptop: Microsoft Graph (signed in) or the backend’s escrow is asked.'}
    >
      <Field id="keys-online-key-id" label="Key ID from the blue screen" hint="Type or scan it; the first 8 characters are enough." error={null} wide>
        {(aria) => (
          <KeyIdInput id="keys-online-key-id" value={keyId} onChange={setKeyId} aria={aria} />
        )}
      </Field>
      <GraphSignInBox />
      <EscrowAsk keyId={keyId} />
    </Card>
  );
}
