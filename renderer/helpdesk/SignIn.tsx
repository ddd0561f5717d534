import { useState, type ReactElement } from 'react';
import { Button } from '../ui/Button.js';
import { Field } from '../ui/Field.js';
import { Brand } from '../ui/Brand.js';
import { useSession } from './session.js';

/** Paste a helpdesk or admin token; it is kept for this tab only (sessionStorage). */
export function SignIn(): ReactElement {
  const session = useSession((s) => s.session);
  const signIn = useSession((s) => s.signIn);
  const [token, setToken] = useState('');
  const error = session.phase === 'signed-out' ? session.error : null;
  return (
    <main className="signin">
      <form
        className="signin__panel card"
        aria-labelledby="signin-title"
        onSubmit={(e) => {
          e.preventDefault();
          void signIn(token);
        }}
      >
        <Brand tag="Helpdesk dashboard" />
        <h1 id="signin-title">Sign in</h1>
        <Field id="token" label="Token" hint="A helpdesk or admin token from `bootmend-server token create`. It is kept in this tab only and forgotten when you close it." error={error}>
          {(aria) => <input id="token" className="input mono" type="password" autoComplete="off" spellCheck={false} value={token} onChange={(e) => setToken(e.target.value)} autoFocus {...aria} />}
        </Field>
        <Button type="submit" variant="primary" busy={session.phase === 'checking'}>
          Sign in
        </Button>
      </form>
    </main>
  );
}
