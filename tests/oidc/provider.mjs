// A real OpenID Connect provider for the campus sign-in tests: panva's certified `oidc-provider`
// (pinned in package.json, installed by `npm ci`), on 127.0.0.1, with three campus accounts, its
// own login page (a username field, a password field and a submit button: Chromium fills it in
// the browser tests, the Python tests post it), PKCE required and RP-initiated logout.
//
//   node tests/oidc/provider.mjs '<json>'      (or the JSON in OIDC_PROVIDER_CONFIG)
//
// The JSON (tests/oidc/provider.py writes it):
//   host       where to listen (default 127.0.0.1)
//   port       the port; 0 (the default) takes a free one, and the issuer says which
//   issuer     the issuer URL (default http://<host>:<port>, once listening)
//   clients    [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}]: web
//              apps using the code flow with client_secret_basic or client_secret_post. Their
//              application_type is "native", for one reason: an http://127.0.0.1 redirect URI
//              then matches on any port (RFC 8252 section 7.3), so one provider serves the app
//              of every test, each on its own port, without a wildcard of our own making.
//   ttl        seconds, to override the lifetimes below (e.g. {"IdToken": 5})
//
// It prints one line, "READY <issuer>", once it listens, and exits when its stdin closes (the
// test process died or is done) or on SIGTERM/SIGINT. The provider's own notes go to stderr.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import process from 'node:process';

import Provider, { interactionPolicy as policies } from 'oidc-provider';

const basePolicy = policies.base;

// Every account's password (the Python side knows it as PASSWORD).
const PASSWORD = 'campus-password';

// The campus directory. `sub` is the provider's stable id for a person: not the username, so an
// app that confuses the two is caught.
const ACCOUNTS = {
  student: {
    sub: 'u-1001',
    email: 'student@campus.example',
    email_verified: true,
    name: 'Mei Lin',
    given_name: 'Mei',
    family_name: 'Lin',
    affiliation: 'student',
    department: 'History',
  },
  staff: {
    sub: 'u-1002',
    email: 'staff@campus.example',
    email_verified: true,
    name: 'Tom Ward',
    given_name: 'Tom',
    family_name: 'Ward',
    affiliation: 'staff',
    department: 'Library',
  },
  unverified: {
    sub: 'u-1003',
    email: 'unverified@campus.example',
    email_verified: false,
    name: 'Sam Reed',
    given_name: 'Sam',
    family_name: 'Reed',
    affiliation: 'student',
    department: 'Physics',
  },
};
const BY_SUB = new Map(Object.values(ACCOUNTS).map((account) => [account.sub, account]));

// Short lifetimes (seconds), so a test can outwait one; a test may shorten them further.
const TTL = {
  AuthorizationCode: 60, // a code is exchanged at once, and only once
  AccessToken: 300,
  IdToken: 300,
  Interaction: 600, // the login page's form
  Session: 3600, // the provider's own sign-in (what RP-initiated logout ends)
  Grant: 3600,
};

const settings = JSON.parse(process.argv[2] ?? process.env.OIDC_PROVIDER_CONFIG ?? '{}');
const host = settings.host ?? '127.0.0.1';

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body, status = 200) {
  return {
    status,
    html: `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} - Campus sign-in</title>
</head>
<body>
<main>
<h1>${escape(title)}</h1>
${body}
</main>
</body>
</html>
`,
  };
}

function loginPage(uid, client, error = '', username = '') {
  const alert = error ? `<p role="alert" id="error">${escape(error)}</p>` : '';
  return page(
    'Sign in',
    `<p>Sign in with your campus account to continue to ${escape(client)}.</p>
${alert}
<form method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
<p><label for="username">Username</label>
<input id="username" name="username" type="text" required autofocus value="${escape(username)}"></p>
<p><label for="password">Password</label>
<input id="password" name="password" type="password" required></p>
<p><button type="submit">Sign in</button></p>
</form>`,
    error ? 401 : 200,
  );
}

function consentPage(uid, client, scopes) {
  return page(
    'Allow access',
    `<p>${escape(client)} asks for: ${escape(scopes.join(', ') || 'your sign-in')}.</p>
<form method="post" action="/interaction/${escape(uid)}/consent">
<p><button type="submit">Allow</button></p>
</form>`,
  );
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, { status, html }) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(html);
}

// The grant a campus provider's administrator gives a first-party app once for everyone: what
// the app asks for, without a consent page (Entra ID's "admin consent"). `prompt=consent` still
// shows the page below.
async function loadExistingGrant(ctx) {
  const grantId = ctx.oidc.result?.consent?.grantId
    || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
  if (grantId) {
    return ctx.oidc.provider.Grant.find(grantId);
  }
  if (ctx.oidc.prompts.has('consent')) {
    return undefined;
  }
  const grant = new ctx.oidc.provider.Grant({
    clientId: ctx.oidc.client.clientId,
    accountId: ctx.oidc.session.accountId,
  });
  grant.addOIDCScope('openid email profile campus');
  await grant.save();
  return grant;
}

// The provider's prompts, less one: it asks every "native" client's user to consent each time,
// and our clients are "native" only for their loopback redirect URIs (see the top).
function interactionPolicy() {
  const policy = basePolicy();
  policy.get('consent').checks.remove('native_client_prompt');
  return policy;
}

function configuration() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = {
    ...privateKey.export({ format: 'jwk' }),
    kid: `test-${randomBytes(4).toString('hex')}`,
    use: 'sig',
    alg: 'RS256',
  };
  return {
    clients: (settings.clients ?? []).map((client) => ({
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uris: client.redirect_uris,
      post_logout_redirect_uris: client.post_logout_redirect_uris ?? [],
      application_type: 'native',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: client.token_endpoint_auth_method ?? 'client_secret_basic',
    })),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    scopes: ['openid', 'email', 'profile', 'campus'],
    claims: {
      acr: null,
      auth_time: null,
      iss: null,
      sid: null,
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
      campus: ['affiliation', 'department'],
    },
    // The claims of the scopes granted go in the ID token too, as Entra ID and Google put email
    // and name there: the app reads the person from the ID token, without a userinfo call.
    conformIdTokenClaims: false,
    async findAccount(_ctx, sub) {
      const account = BY_SUB.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ ...account }) };
    },
    loadExistingGrant,
    interactions: { policy: interactionPolicy(), url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // The "sign out of the campus too?" page: `form` is the provider's own (its action and
        // xsrf token); the buttons submit it. No scripts, no outside fonts.
        async logoutSource(ctx, form) {
          ctx.type = 'html';
          ctx.body = page(
            'Sign out',
            `<p>Do you want to sign out of the campus account?</p>
${form}
<p><button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button></p>`,
          ).html;
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = page('Signed out', '<p>You are signed out of the campus account.</p>').html;
        },
      },
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page(
        'Sign-in error',
        `<p id="error">${escape(out.error)}: ${escape(out.error_description ?? '')}</p>`,
      ).html;
    },
    ttl: { ...TTL, ...(settings.ttl ?? {}) },
  };
}

// The login and consent pages (the provider leaves these to the deployer; devInteractions takes
// any name and no password, which would let a test sign in as someone who does not exist).
async function interaction(provider, req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    send(res, page('Sign-in error', '<p id="error">This sign-in page is out of date.</p>', 400));
    return;
  }
  const { prompt, params } = details;
  const client = (await provider.Client.find(params.client_id))?.clientName ?? params.client_id;

  if (req.method === 'GET' && !action) {
    if (prompt.name === 'login') {
      send(res, loginPage(uid, client));
    } else {
      send(res, consentPage(uid, client, prompt.details.missingOIDCScope ?? []));
    }
    return;
  }
  if (req.method === 'POST' && action === 'login' && prompt.name === 'login') {
    const form = await readForm(req);
    const username = form.get('username') ?? '';
    const account = Object.hasOwn(ACCOUNTS, username) ? ACCOUNTS[username] : undefined;
    if (!account || form.get('password') !== PASSWORD) {
      send(res, loginPage(uid, client, 'Wrong username or password.', username));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, {
      mergeWithLastSubmission: false,
    });
    return;
  }
  if (req.method === 'POST' && action === 'consent' && prompt.name === 'consent') {
    await readForm(req);
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, {
      mergeWithLastSubmission: true,
    });
    return;
  }
  send(res, page('Sign-in error', '<p id="error">Not here.</p>', 405));
}

const server = createServer();
server.listen(settings.port ?? 0, host, () => {
  const { port } = server.address();
  const issuer = settings.issuer ?? `http://${host}:${port}`;
  const provider = new Provider(issuer, configuration());
  provider.on('server_error', (_ctx, error) => console.error('server_error', error));
  const callback = provider.callback();

  server.on('request', (req, res) => {
    const match = /^\/interaction\/([\w-]+)(?:\/(login|consent))?$/.exec(req.url.split('?')[0]);
    if (!match) {
      callback(req, res);
      return;
    }
    interaction(provider, req, res, match[1], match[2]).catch((error) => {
      // An expired or unknown interaction (its cookie gone): a page, not a crash.
      console.error('interaction', error.message);
      if (!res.headersSent) {
        send(res, page('Sign-in error', `<p id="error">${escape(error.message)}</p>`, 400));
      } else {
        res.end();
      }
    });
  });
  // Static clients are checked at their first use: check them now, so a bad one stops the
  // start (with the provider's reason on stderr) rather than a test's sign-in.
  Promise.all((settings.clients ?? []).map((client) => provider.Client.find(client.client_id)))
    .then((clients) => {
      if (clients.some((client) => !client)) throw new Error('a client was not registered');
      process.stdout.write(`READY ${issuer}\n`);
    })
    .catch((error) => {
      console.error('invalid client:', error.error_description ?? error.message);
      process.exit(2);
    });
});

function stop() {
  server.close();
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
