import { useState, type ReactElement } from 'react';
import { Button } from '../ui/Button.js';
import { Field } from '../ui/Field.js';
import { LogoMark } from '../ui/icons.js';
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
        <div className="brand">
          <LogoMark />
          <div className="brand__text">
            <span className="brand__name">Bootmend</span>
            <span className="brand__tag">Helpdesk dashboard</span>
          </div>
        </div>
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
