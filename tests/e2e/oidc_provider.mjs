// A real OpenID provider for the browser tests: the npm package oidc-provider on 127.0.0.1 with two
// test users and a small login form of our own (the package's dev login accepts any password).
//
//   node tests/e2e/oidc_provider.mjs   (settings from the environment, see below)
//
// OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI: where it listens and the one client
// (the app) it knows; the redirect URI is also the client's post-logout redirect, as Streamlit sends it.
// OIDC_USERS: JSON {"login": {"password", "sub", "email", "name"?, "given_name"?}, ...}.
// It prints "ready" on stdout once it listens.
import http from 'node:http';
import { Provider, interactionPolicy } from 'oidc-provider';

const env = process.env;
const port = Number(env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const users = JSON.parse(env.OIDC_USERS);
const bySub = new Map(Object.values(users).map((u) => [u.sub, u]));

// Streamlit's st.login asks with prompt=select_account: when the provider already has a session, offer
// "continue as ..." (or another account); a fresh login answers that prompt at the same time.
const { Prompt, Check, base } = interactionPolicy;
const policy = base();
policy.add(new Prompt(
  { name: 'select_account', requestable: true },
  new Check('select_account_requested', 'the client asked to pick an account', (ctx) => (
    ctx.oidc.promptPending('select_account') ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT)),
), 0);

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: env.OIDC_CLIENT_ID,
    client_secret: env.OIDC_CLIENT_SECRET,
    redirect_uris: [env.OIDC_REDIRECT_URI],
    post_logout_redirect_uris: [env.OIDC_REDIRECT_URI],
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  async findAccount(ctx, sub) {
    const user = bySub.get(sub);
    if (!user) return undefined;
    return {
      accountId: sub,
      async claims() {
        const { password, ...claims } = user; // never a claim
        return { ...claims, email_verified: true };
      },
    };
  },
  // Put the profile and email claims in the ID token, as Amazon Cognito does (Streamlit reads only that token).
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name'] },
  // The app is first-party: the scopes it asks for are granted without a consent screen.
  async loadExistingGrant(ctx) {
    const { oidc } = ctx;
    const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
    if (grantId) {
      const grant = await oidc.provider.Grant.find(grantId);
      if (grant) return grant;
    }
    if (!oidc.session.accountId) return undefined;
    const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  interactions: { policy, url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Sign out', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">`
          + 'Yes, sign me out</button>');
      },
    },
  },
  cookies: { keys: [env.OIDC_CLIENT_SECRET] },
  // No https locally; the tests' provider is only ever on 127.0.0.1.
  pkce: { required: () => false },
});

function form(uid, error) {
  return page('Sign in to the test provider', `${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Username <input name="login" autocomplete="off"></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Sign in</button></form>`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, session } = details;
  const path = new URL(req.url, issuer).pathname;
  if (req.method === 'GET') {
    if (prompt.name === 'select_account' && session?.accountId) {
      const who = bySub.get(session.accountId);
      return send(res, 200, page('Choose an account', `<form method="post" action="/interaction/${escape(uid)}/continue">
<button type="submit">Continue as ${escape(who?.email || session.accountId)}</button></form>
<form method="post" action="/interaction/${escape(uid)}/other"><button type="submit">Use another account</button></form>`));
    }
    return send(res, 200, form(uid));
  }
  if (path.endsWith('/continue')) {
    await readForm(req);
    return provider.interactionFinished(req, res, { select_account: {} }, { mergeWithLastSubmission: true });
  }
  if (path.endsWith('/other')) {
    await readForm(req);
    return send(res, 200, form(uid));
  }
  const fields = await readForm(req);
  const user = users[fields.get('login') || ''];
  if (!user || user.password !== fields.get('password')) {
    return send(res, 200, form(uid, 'Wrong username or password.'));
  }
  return provider.interactionFinished(req, res, { login: { accountId: user.sub }, select_account: {} },
    { mergeWithLastSubmission: false });
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((err) => send(res, 400, page('Error', escape(err.message))));
    return;
  }
  callback(req, res);
});
server.listen(port, '127.0.0.1', () => { process.stdout.write('ready\n'); });
