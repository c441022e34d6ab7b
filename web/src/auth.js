// /login and /register: a username and a password. The server sets an
// HttpOnly session cookie; afterwards the page goes back to ?next= (a path on
// this site) or to the problem list.
import { h } from './dom.js';
import { api } from './api.js';
import { navigate } from './router.js';
import { safeNext, setUser } from './session.js';
import { retryMessage, sentence } from './format.js';

export async function mount(root, { signal }) {
  const registering = location.pathname.startsWith('/register');
  const params = new URLSearchParams(location.search);
  const next = safeNext(params.get('next'));
  const nextQuery = params.get('next') ? `?next=${encodeURIComponent(params.get('next'))}` : '';

  const username = h('input', {
    id: 'auth-username', name: 'username', type: 'text', required: true, autocomplete: 'username',
    autocapitalize: 'off', spellcheck: 'false', minlength: registering ? 3 : null, maxlength: 32,
    pattern: registering ? '[A-Za-z0-9_.\\-]{3,32}' : null,
  });
  const password = h('input', {
    id: 'auth-password', name: 'password', type: 'password', required: true,
    autocomplete: registering ? 'new-password' : 'current-password', minlength: registering ? 8 : null, maxlength: 128,
  });
  const errorEl = h('p', { id: 'auth-error', class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { id: 'auth-submit', type: 'submit', class: 'primary' }, registering ? 'Create account' : 'Log in');
  const form = h('form', { id: registering ? 'register-form' : 'login-form', class: 'auth-form', novalidate: true },
    h('h1', null, registering ? 'Create an account' : 'Log in'),
    h('label', { for: 'auth-username' }, 'Username'),
    username,
    registering ? h('p', { class: 'field-hint muted' }, '3 to 32 letters, digits, “_”, “.” or “-”.') : null,
    h('label', { for: 'auth-password' }, 'Password'),
    password,
    registering ? h('p', { class: 'field-hint muted' }, 'At least 8 characters.') : null,
    errorEl,
    h('div', { class: 'form-actions' }, submit),
    h('p', { class: 'muted' },
      registering
        ? ['Already have an account? ', h('a', { href: `/login${nextQuery}` }, 'Log in'), '.']
        : ['New here? ', h('a', { href: `/register${nextQuery}` }, 'Create an account'), '.']));

  root.replaceChildren(h('div', { class: 'page narrow' }, form));

  function showFormError(message) {
    errorEl.textContent = message;
    errorEl.hidden = !message;
  }

  /* Checked here first, with the server's rules, so the usual mistakes get
   * an answer without a round trip; the server's answer is shown otherwise. */
  function localProblem() {
    const u = username.value.trim();
    if (!u) return 'Enter a username.';
    if (!password.value) return 'Enter a password.';
    if (registering) {
      if (!/^[A-Za-z0-9_.-]{3,32}$/.test(u)) return 'A username is 3 to 32 letters, digits, “_”, “.” or “-”.';
      if (password.value.length < 8) return 'The password is too short: use at least 8 characters.';
      if (password.value.length > 128) return 'The password is too long: use at most 128 characters.';
    }
    return '';
  }

  function describe(err) {
    if (err.status === 401) return err.code === 'http_401' ? 'Wrong username or password.' : sentence(err.message);
    if (err.status === 409) return `The username “${username.value.trim()}” is taken: choose another.`;
    if (err.status === 429) return retryMessage(err);
    return sentence(err.message);
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const problem = localProblem();
    if (problem) {
      showFormError(problem);
      (problem.includes('username') || problem.includes('A username') ? username : password).focus();
      return;
    }
    showFormError('');
    submit.disabled = true;
    try {
      const u = username.value.trim();
      const me = registering ? await api.register(u, password.value) : await api.login(u, password.value);
      if (signal.aborted) return;
      setUser(me && me.username ? me : { username: u, role: 'contestant' });
      navigate(next, { replace: true });
    } catch (err) {
      if (signal.aborted) return;
      showFormError(describe(err));
      if (err.status === 409) username.select();
      else if (err.status === 401 || err.status === 400) password.select();
    } finally {
      submit.disabled = false;
    }
  }, { signal });

  username.focus();
}
