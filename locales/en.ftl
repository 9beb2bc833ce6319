# Lakegate's English catalogue. Every other catalogue in this folder has the same
# messages with the same variables (tests/i18n and ui/src/lib/i18n.test.ts check it).
language-name = English
product-name = Lakegate

# Text that has no message of its own: an error a lower layer wrote, a server's words.
plain = { $text }

## The Doctor: check names

doctor-check-url = URL shape
doctor-check-dns = DNS
doctor-check-tcp = TCP connect
doctor-check-tls = TLS
doctor-check-proxy = Proxy
doctor-check-oauth = Workspace OAuth
doctor-check-token = Token
doctor-check-identity = Identity
doctor-check-app = App
doctor-check-permission = Permission
doctor-check-scopes = Scopes
doctor-check-endpoint = Endpoint
doctor-check-request = Request

## The Doctor: why a check was skipped

doctor-skip-no-connection = no connection was chosen
doctor-skip-no-token = there is no token
doctor-skip-no-app-or-identity = the app or the identity is not known
doctor-skip-no-app-or-token = the app or the token is not known
doctor-skip-app-not-running = the app is not reachable and running
doctor-skip-not-safe = { $method } is not safe to repeat, so the Doctor does not send it; send it from the request builder and run the Doctor on its answer
doctor-skip-network-failed = the network checks failed
doctor-skip-network-earlier = an earlier network check failed

## The Doctor: the URL

doctor-url-not-full = "{ $url }" is not a full URL
doctor-url-not-full-meaning = Lakegate cannot tell where to send the request.
doctor-url-not-full-next = Paste the app's URL as the Apps API gives it (its url field), followed by the endpoint path, e.g. https://<app>-<workspace-id>.<region>.databricksapps.com/api/hello.
doctor-url-scheme = It uses { $scheme }.
doctor-url-scheme-meaning = Databricks Apps are served over https only.
doctor-url-scheme-next = Use https://.
doctor-url-host = { $host } is not a Databricks Apps host (…databricksapps.com).
doctor-url-host-meaning = Apps live at https://<app>-<workspace-id>.<region>.databricksapps.com; this may be a workspace URL.
doctor-url-host-next = Copy the app's URL from the Apps list (its url field).
doctor-url-path = The path { $path } is outside /api/.
doctor-url-path-meaning = Apps accept bearer tokens only on /api/ routes; other paths send the caller to a browser sign-in.
doctor-url-path-next = Call a route under /api/.
doctor-url-pass = https, an Apps host, an /api/ path ({ $path })
doctor-url-pass-meaning = The address has the shape tokens work with.

## The Doctor: the network

doctor-dns-pass = { $host } resolves ({ $address })
doctor-dns-resolves = { $host } resolves
doctor-dns-pass-meaning = The name is known.
doctor-dns-fail = { $host } does not resolve: { $reason }
doctor-dns-fail-invalid = The name cannot exist (.invalid is reserved).
doctor-dns-fail-meaning = The name is unknown to this computer's DNS: a typo, a wrong workspace id, or a DNS that does not know *.databricksapps.com.
doctor-dns-fail-next = Check the app name and workspace id in the URL; make sure *.databricksapps.com resolves on this network (VPN, company DNS).
doctor-tcp-pass = connected in { $ms } ms
doctor-tcp-connected = connected
doctor-tcp-pass-meaning = Outbound HTTPS is allowed.
doctor-tcp-fail = could not connect to { $address }: { $reason }
doctor-tcp-fail-meaning = Nothing answers at that address, or a firewall blocks outbound HTTPS (port 443).
doctor-tcp-fail-next = Check that outbound HTTPS to *.databricksapps.com is allowed on this network; if your company requires a proxy, set it in Settings → Network.
doctor-tcp-timeout = no answer within { $seconds } s while { $phase }
doctor-tcp-timeout-meaning = Packets are dropped on the way: a firewall or a missing proxy.
doctor-network-next = Check the network path and proxy settings.
doctor-tls-pass = certificate trusted, handshake { $ms } ms
doctor-tls-pass-meaning = The connection is private and the server is who it says.
doctor-tls-untrusted = the certificate is not trusted ({ $reason })
doctor-tls-untrusted-meaning = The certificate was issued by a CA this computer does not trust — usually a company proxy that inspects HTTPS.
doctor-tls-untrusted-next = Add your company's CA bundle (PEM) to the connection or in Settings → Network (it adds to the system's roots), or set SSL_CERT_FILE (which Lakegate also adds to them).
doctor-tls-fail-meaning = The secure connection could not be set up.
doctor-proxy-direct = no proxy (direct)
doctor-proxy-through = through { $proxy }
doctor-proxy-pass-meaning = The route to the app works.
doctor-proxy-refused = the proxy { $proxy } did not accept the connection
doctor-proxy-refused-next = Check the proxy address in Settings → Network or HTTPS_PROXY.
doctor-proxy-direct-meaning = If your network only allows traffic through a proxy, calls fail this way.
doctor-proxy-direct-next = Set the proxy in Settings → Network or HTTPS_PROXY if your company uses one.
doctor-proxy-fail-meaning = The proxy { $proxy } would not open a tunnel to the app.
doctor-proxy-fail-next = Set the proxy's user and password (http://user:password@host:port), or ask IT to allow *.databricksapps.com; a proxy typed in Settings → Network is changed or cleared there.

## The Doctor: OAuth, the token, the identity

doctor-oauth-client = Lakegate could not prepare its HTTPS client.
doctor-oauth-client-next = Check the connection's CA bundle and the network settings.
doctor-oauth-pass = { $host } publishes its OAuth endpoints (issuer { $issuer })
doctor-oauth-pass-meaning = Tokens can be obtained from this workspace.
doctor-oauth-fail-meaning = Without the workspace's OAuth endpoints no token can be obtained.
doctor-oauth-fail-next = Check the connection's workspace URL (as in the browser's address bar) and the network path to it.
doctor-oauth-not-used = { $kind } does not use OAuth discovery
doctor-token-sign-in-again = Sign in to { $connection } again (in the window, or `lakegate login { $connection }`).
doctor-token-grant-next = Check the client id and secret, and the scopes the secret allows.
doctor-token-cli-next = Run `databricks auth login --profile …` for { $connection }, or update the databricks CLI.
doctor-token-other-next = Fix what the message names, then run the Doctor again.
doctor-token-none-meaning = No valid token: every call will be refused with 401.
doctor-token-expired = the token expired { $seconds } s ago
doctor-token-expired-meaning = An expired token is refused with 401.
doctor-token-expired-next = Get a fresh token: sign in to { $connection } again, or for a pasted token, run `databricks auth token` again.
doctor-token-issuer = issued by { $issuer }, not by { $host }
doctor-token-issuer-meaning = A token from another workspace is refused.
doctor-token-issuer-next = Use a connection to the app's own workspace.
doctor-token-pass = valid for { $minutes } more { $minutes ->
        [one] minute
       *[other] minutes
    }, scopes: { $scopes }
doctor-token-pass-meaning = The token is current.
doctor-token-no-expiry = a token without an expiry
doctor-token-pat = a personal access token (not an OAuth JWT)
doctor-token-pat-meaning = Databricks Apps refuse personal access tokens: they answer with a redirect to sign-in.
doctor-token-pat-next = Use an OAuth connection: sign in as a user, or a service principal.
doctor-token-opaque = an opaque token (not a JWT)
doctor-token-opaque-meaning = Its contents cannot be checked here.
doctor-identity-pass = the token speaks for { $identity }
doctor-identity-pass-meaning = The workspace accepts the token.
doctor-identity-fail-meaning = The workspace does not accept this token for its own APIs.
doctor-identity-fail-next = Sign in to { $connection } again; check the token's scopes include all-apis.

## The Doctor: the app, its permission and scopes

doctor-app-none = no app of { $host } answers at { $origin }
doctor-app-none-meaning = The app name or the workspace id in the URL is wrong, or the app is in another workspace (404).
doctor-app-none-next = Pick the app from the list and use its url (apps here: { $count ->
        [0] none
       *[other] { $apps }
    }).
doctor-app-running = { $app } is RUNNING, compute ACTIVE, last deployment { $deployment }
doctor-app-running-meaning = The app is up.
doctor-app-deploying-next = A deployment is not finished: call again when it has succeeded.
doctor-app-deploying-wait = Wait for the deployment to finish (the app goes STARTING, then RUNNING), then call again.
doctor-app-crashed-next = Check the app's logs in the workspace; someone with CAN MANAGE must fix and redeploy it.
doctor-app-crashed-next-creator = Check the app's logs in the workspace; someone with CAN MANAGE (its creator: { $creator }) must fix and redeploy it.
doctor-app-stopped-next = Start the app in the workspace (Compute → Apps → Start); that needs CAN MANAGE on it.
doctor-app-stopped-next-creator = Start the app in the workspace (Compute → Apps → Start); that needs CAN MANAGE on it (its creator: { $creator }).
doctor-app-down = { $app } is { $state } ({ $message }), compute { $compute } ({ $compute_message })
doctor-app-down-meaning = The app is not running: requests fail before they reach it.
doctor-app-unknown-meaning = The Apps list could not be read with this token.
doctor-app-unknown-next = Use a connection whose token has the all-apis scope.
doctor-permission-pass = { $identity } has { $levels } on { $app }
doctor-permission-pass-meaning = Using the app is allowed.
doctor-permission-fail = { $identity } has no CAN USE on { $app }
doctor-permission-fail-meaning = The Apps proxy answers 403 to anyone without CAN USE.
doctor-permission-fail-next = Ask one of these principals to grant you CAN USE: { $managers }.
doctor-permission-unreadable = { $identity } may not read the permissions of { $app } (only its managers can)
doctor-permission-unreadable-meaning = Whether you have CAN USE cannot be seen from here.
doctor-permission-unreadable-next = Ask one of the app's managers to check that you, { $identity }, have CAN USE on { $app }.
doctor-permission-unreadable-next-creator = Ask one of the app's managers, e.g. its creator { $creator }, to check that you, { $identity }, have CAN USE on { $app }.
doctor-permission-error-meaning = The app's permissions could not be read.
doctor-permission-error-next = Try again; if it persists, ask the app's managers.
doctor-scopes-none-asked = { $app } asks for no user-authorization scopes
doctor-scopes-none-asked-meaning = Any token that may use the app works.
doctor-scopes-pass = the token has { $scopes }
doctor-scopes-pass-meaning = Every scope the app needs is granted.
doctor-scopes-fail = { $app } needs { $missing }; the token has { $count ->
        [0] none
       *[other] { $granted }
    }
doctor-scopes-sp-meaning = This token is a service principal's. Databricks documents user-authorization scopes for the tokens of people who sign in; whether an app also holds a service principal's token to them is not on record (unknown). If the request is refused with "does not have required scopes", they are the reason.
doctor-scopes-sp-next = If the request is refused for its scopes, give the connection these scopes ({ $scopes }): its client-credentials token then asks for them.
doctor-scopes-fail-meaning = Apps with user authorization refuse tokens without their scopes (403, sometimes 401); all-apis is not enough.
doctor-scopes-fail-next = Sign in with these scopes: { $scopes } (the scope matrix does it in one click).

## The Doctor: the endpoint and the request

doctor-endpoint-refused-meaning = The app's OpenAPI document can only be read with the token, which does not go to this host.
doctor-endpoint-refused-next = Check that the URL is the app's own (its url field in the Apps list).
doctor-endpoint-pass = { $method } { $path } is in the app's OpenAPI document
doctor-endpoint-pass-meaning = The route exists.
doctor-endpoint-method = { $path } takes { $methods }, not { $method }
doctor-endpoint-method-meaning = The app answers 405 to other methods.
doctor-endpoint-method-next = Use { $methods }.
doctor-endpoint-undocumented = { $path } is not documented in the app's OpenAPI document ({ $document })
doctor-endpoint-undocumented-meaning = The app's document does not list this path; the Request check shows whether the app answers it.
doctor-endpoint-undocumented-next = If the request answers 404, use one of its endpoints: { $endpoints }.
doctor-endpoint-no-document = the app serves no readable OpenAPI document
doctor-endpoint-no-document-meaning = Whether the path exists cannot be checked before calling it.
doctor-endpoint-no-document-next = Check the path against the app's code or documentation.
doctor-request-answer = { $status } { $reason } in { $ms } ms
doctor-request-answer-body = { $status } { $reason } in { $ms } ms: { $body }
doctor-request-no-answer-meaning = The request did not get an answer.
doctor-request-no-answer-next = See the network checks above.
doctor-request-refused-meaning = Lakegate sends a connection's token only over https to its workspace, its apps and the hosts typed into its trusted list.
doctor-request-refused-next = Use the app's own URL (its url field in the Apps list).
doctor-request-2xx = The app answered.
doctor-request-3xx = The answer is a redirect to { $location }: Lakegate shows it instead of following it.
doctor-request-3xx-next = Call the address it points to, if it is the app you meant; an app's API lives under /api/.
doctor-request-302-sign-in = The app's domain did not accept the token: it sent the request to a browser sign-in ({ $location }). Databricks answers this way when a call to an app carries no token, or one the app's domain does not accept — expired, revoked, from another workspace, or a personal access token (databricks/cli#6605).
doctor-request-302-nowhere = The app's domain did not accept the token: it answered with a redirect that says nowhere to go. Databricks' app templates record this answer for a personal access token ("a 302 redirect error"); a token that is missing, expired, revoked or from another workspace is sent to a browser sign-in the same way (databricks/cli#6605).
doctor-request-other-workspace = The workspace did not accept the token: it was issued by another workspace ({ $said }; databricks-sdk-go#959). This is not a missing permission.
doctor-request-other-workspace-next = Call this workspace with a connection of its own, not { $connection }: sign in to this workspace (or pick its connection).
doctor-request-ws-401 = The workspace took no credential from this request (401): none was sent, or not one this API accepts. Not a missing permission.
doctor-request-ws-401-next = Send it with the connection's token (an OAuth token of this workspace, or a personal access token where they are allowed).
doctor-request-ws-403 = The workspace accepted the token but refused the request (403): the identity lacks a permission or an entitlement this API needs. Signing in again does not change that.
doctor-request-ws-403-next = Ask a workspace admin for the permission or entitlement the message names.
doctor-request-ws-404 = The workspace has no such API (ENDPOINT_NOT_FOUND) or no such object (RESOURCE_DOES_NOT_EXIST, NOT_FOUND). Some APIs answer 404 when they are turned off: the token API does when personal access tokens are disabled.
doctor-request-ws-404-next = Check the path, and the name or id in it, against the workspace's REST API reference.
doctor-request-ws-503 = The workspace is briefly unavailable (503, TEMPORARILY_UNAVAILABLE). Not a problem with the token.
doctor-request-ws-503-next = Try again in a moment: the Databricks SDKs send such requests again by themselves.
doctor-request-ws-5xx = The workspace failed to answer this request (5xx). Not a problem with the token.
doctor-request-ws-5xx-next = Try again; if it keeps failing, send the message and its request id to Databricks support.
doctor-request-invalid-token = The server did not accept the token itself ({ $said }): it is invalid, expired or revoked. This is not a missing permission.
doctor-request-unrecorded = Lakegate has not seen Databricks answer this way before: exporting the report (or `lakegate doctor --save-recording FILE`) saves this answer as a recording you can send us: the status and the words that identify the error, no token, no cookie, no body beyond them (tests/fixtures/databricks/README.md).
doctor-not-accepted-next-path = This path is outside /api/: only an app's /api/ routes take a token (the rest is for browsers). Call the app's /api/ route.
doctor-not-accepted-next-pat = { $connection } uses a personal access token, and Databricks Apps take OAuth tokens only: add a connection that signs in with OAuth (a person or a service principal).
doctor-not-accepted-next-expired = { $connection }'s token had expired: sign in to { $connection } again (Lakegate refreshes it by itself when a refresh token is kept).
doctor-not-accepted-next-other-workspace = The app belongs to workspace { $app_workspace }, and { $connection } signs in to workspace { $workspace }: use a connection to the app's own workspace.
doctor-not-accepted-next-unknown = The token looked usable to Lakegate (OAuth, not expired, this workspace's): sign in to { $connection } again for a fresh one; if it still happens, the token may have been revoked.
doctor-request-401 = The app's domain refused the call (401): the token is missing, invalid or expired, lacks the app's scopes, or the caller has no CAN USE on the app (a service principal without CAN USE is answered 401 before the app is reached).
doctor-request-401-next = Check the Token, Scopes and Permission findings above: sign in again if the token is the problem, or ask one of the app's managers for CAN USE.
doctor-request-403-scopes = The token lacks the app's user-authorization scopes.
doctor-request-403-scopes-next = Sign in with the scopes the app needs (see Scopes above).
doctor-request-403 = You lack CAN USE on the app (or its scopes).
doctor-request-403-next = See Permission above: ask one of the app's managers for CAN USE.
doctor-request-429 = The server limits how often it may be called, and this call was over the limit (429). Not a problem with the token or the permission.
doctor-request-429-after = The server limits how often it may be called, and this call was over the limit (429); it asks to wait { $wait } s (Retry-After). Not a problem with the token or the permission.
doctor-request-429-next = Send it again after that wait, and fewer at a time. Lakegate's own calls to the workspace wait as Retry-After says (they are GETs, safe to repeat); a POST, PUT, PATCH or DELETE is never sent again for you.
doctor-request-404 = The app has no such path, or no app answers at this address.
doctor-request-404-next = Check the App and Endpoint findings above.
doctor-request-504 = The Apps proxy ends any request that takes longer than its timeout (120 s) with 504; the app's own logs never show it. It may also buffer streamed (SSE) answers.
doctor-request-504-next = Make the endpoint answer within 120 s: start long work in the background and poll for its result.
doctor-request-5xx = The app (or its proxy) failed: 502 "App Not Available" when it is not running or failed to start, 500 from the app's own code.
doctor-request-5xx-next = Check the App finding above and the app's logs in the workspace.
doctor-request-other = An unusual answer.
doctor-request-other-next = Check the app's documentation for this status.

## The Doctor's report (Markdown and JSON files)

report-title = Lakegate Doctor report
report-method = Method
report-connection = Connection
report-when = When
report-none = none
report-column-check = check
report-column-result = result
report-column-observed = observed
report-what-to-do = What to do
report-observed = Observed
report-meaning = Meaning
report-next-step = Next step
report-all-passed = Every check passed.
verdict-pass = pass
verdict-warn = warn
verdict-fail = fail
verdict-unknown = unknown
verdict-skipped = skipped

## Shared words

loading = Loading…
cancel = Cancel
close = Close
dismiss = Dismiss
sign-in = Sign in
sign-in-again = Sign in again
sign-out = Sign out
save = Save
replace-it = Replace it

## Connection kinds and status

kind-user = user sign-in
kind-servicePrincipal = service principal
kind-pat = personal access token
kind-cliProfile = databricks CLI profile
status-sign-in-again = sign in again
status-not-signed-in = not signed in
status-secret-missing = secret missing from the keychain
status-signed-in-as = signed in as { $who }
status-ended-no-refresh = sign-in ended (no refresh token) · sign in again
status-ends-no-refresh = { $who } · { $expiry }, then sign in again (no refresh token)
status-refreshes = { $who } · token refreshes on next use
time-seconds = { $n } s
time-minutes = { $n } min
time-hours = { $h } h
time-hours-minutes = { $h } h { $m } min
time-days = { $n } { $n ->
        [one] day
       *[other] days
    }
expiry-never = does not expire on its own
expiry-in = expires in { $span }
expiry-ago = expired { $span } ago

## Sidebar

sidebar-no-keychain = No keychain.
sidebar-use-memory = Keep secrets in memory for this run
sidebar-in-memory = Secrets are kept in memory and forgotten when Lakegate closes.
sidebar-connections = Connections
sidebar-add = Add
sidebar-empty-title = No connection yet
sidebar-empty-text = A connection is how Lakegate gets a token: your own sign-in to a workspace, a service principal, or a profile from { $file }. Tokens and secrets are kept in your system keychain, never in files.
sidebar-try-sandbox = Try the sandbox
sidebar-add-workspace = Add a workspace
sidebar-sign-in-to = to { $name }
sidebar-apps = Apps
sidebar-apps-hint = The apps of the selected connection's workspace are listed here.
sidebar-apps-sign-in = Sign in to { $name } to see its apps.
nav-matrix = Scope matrix
nav-access = Access
nav-checks = Checks
nav-doctor = Doctor
nav-settings = Settings

## Status bar

statusbar-label = About this installation
statusbar-settings-in = Settings in
statusbar-starting = Starting…

## Signing in

signin-heading = Signing in to { $name }
signin-waiting = Waiting for you to finish signing in in the browser window that opened…
signin-open-link = Open the link below in a browser to sign in.
signin-link = Sign-in link (if no browser opened, or to use another one)
signin-link-copied = Link copied
signin-copy-link = Copy the sign-in link
signin-ends = The sign-in ends by itself after { $minutes } minutes. Lakegate listens only on this computer (loopback) for the browser's answer.
signin-paste = Lakegate runs where your browser cannot reach it (another machine, WSL, a container)? Sign in with the link above anywhere, then paste here the address the browser ended on — it cannot load it:
signin-paste-example = http://localhost:8020/?code=…&state=…
signin-paste-submit = Use this address
signin-pasted = Address taken: finishing the sign-in…

## The window's frame

main-label = Workspace
notice-request-saved = Saved the request as “{ $name }”.
notice-link-not-opened = The link was not opened: { $problem }
notice-link-opened = A link opened { $method } { $url }: choose or add a connection of its workspace to see it and send it.
notice-signed-in = Signed in to { $name } as { $who }.
notice-signed-in-unknown = Signed in to { $name } as an unknown user.
notice-signed-out = Signed out of { $name }: its secrets were deleted from the keychain.
notice-removed = Removed { $name } and deleted its secrets.
notice-connection-saved = Saved { $name }.
bar-trusted-hosts = token also trusted to { $hosts }
bar-token = Token
remove = Remove

## Settings

settings-heading = Settings
settings-language = Language
settings-language-label = The window's language
settings-language-system = System language ({ $language })
settings-language-note = The window, the Doctor and the reports you save from the window use it; the command line stays in English.
settings-network = Network
settings-network-note = These apply to every call Lakegate makes, sign-in included. A proxy password is kept in the system keychain, never in the settings file, and shown here masked.
settings-proxy = Proxy (empty: none, or HTTPS_PROXY when set)
settings-proxy-env = Proxy (empty: HTTPS_PROXY from the environment, { $proxy })
settings-proxy-example = http://proxy.example.com:3128
settings-no-proxy = Hosts that skip the proxy (comma-separated, like NO_PROXY)
settings-no-proxy-example = .internal.example.com, 10.0.0.1
settings-ca = CA bundle (PEM file) trusted for every connection, on top of the system's
settings-ca-example = /etc/ssl/company-ca.pem
settings-saved = Saved; the next call uses them.
settings-trusted-heading = Hosts trusted with { $name }'s token
settings-trusted-note = The token goes, over https only, to { $host }, the apps its workspace lists and *.databricksapps.com. Add a host here only if you mean to give it this token; Lakegate never adds one from a document or a link.
settings-no-other-host = No other host.
settings-host = Host (host.example.com or host.example.com:8443)
settings-trust-host = Trust this host

## The Doctor's window

doctor-intro = Paste a failing app URL: every check runs in order, each with what it saw and the exact next step.
doctor-url-label = App URL with its path
doctor-url-example = https://<app>-<workspace-id>.<region>.databricksapps.com/api/…
doctor-connection = Connection
doctor-no-connection = None (network checks only)
doctor-method = Method
doctor-running = Checking…
doctor-run = Run the Doctor
doctor-progress = Running check { $n } of { $total }…
doctor-export = Export the report
doctor-exported = Saved, secrets redacted:
doctor-exported-recording = And a recording of an answer Lakegate had not seen Databricks give (no token, cookie or body in it): fill in where you send it, and send it to us:

## Scope matrix

matrix-heading = Scope matrix — { $name }
matrix-token-has = The token has:
matrix-filter-apps = Filter apps
matrix-filter-scopes = Filter scopes
matrix-missing = Missing from the token:
matrix-sign-in-scopes = Sign in with these scopes
matrix-scopes-fixed = This connection's scopes come from its secret or profile.
matrix-ok = The token has every scope these apps need.
matrix-caption = Scopes each app needs, and whether the token has them
matrix-app = App
matrix-effective = Effective scopes
matrix-not-needed = not needed
matrix-cell-missing = missing
matrix-cell-granted = granted

## Token inspector

token-copied = Copied. The clipboard is cleared in { $seconds } s unless you copy something else.
token-heading = Token of { $name }
token-decoded = Decoded without checking the signature: these are hints, the workspace decides.
token-subject = Subject
token-client = Client
token-issuer = Issuer
token-scopes = Scopes
token-issued = Issued
token-expires = Expires
token-copy = Copy token
token-remove-connection = Remove connection
token-header = Header
token-claims = Claims

## Apps

app-running = running
app-stopped = stopped
app-deploying = deploying
app-crashed = crashed
apps-search = Search apps
apps-refresh = Refresh the apps
apps-loading = Loading apps…
apps-none = This workspace has no apps this identity can see. Check that apps are deployed, and that you are signed in to the right workspace.
apps-scopes = scopes: { $scopes }
apps-no-match = No app matches “{ $search }”.

## Answers: JSON tree and event streams

json-more = { $n } more (see the text view)
stream-seconds = { $s } s
stream-receiving = Receiving:
stream-count = { $n } { $n ->
        [one] event
       *[other] events
    }
stream-stop = Stop
stream-hidden = { $n } earlier events are in the text view.
stream-events = Events
stream-message = message

## Adding a connection

add-heading = Add a connection
add-how = How Lakegate gets the token
add-kind-user = Sign in as a person
add-kind-user-hint = In the system browser (OAuth, authorization code + PKCE). Works with apps that use user authorization.
add-kind-servicePrincipal = Service principal
add-kind-servicePrincipal-hint = Client id and secret (OAuth machine-to-machine). The secret is kept in your keychain.
add-kind-pat = Personal access token
add-kind-pat-hint = For workspace APIs only: Databricks Apps refuse personal access tokens.
add-kind-cliProfile = databricks CLI profile
add-kind-cliProfile-hint = Tokens the databricks CLI already manages (databricks auth token --profile …).
add-name = Name
add-name-example = e.g. prod
add-host = Workspace URL
add-host-example = https://adb-1234567890123456.7.azuredatabricks.net
add-own-oauth = Your organisation's own OAuth app (optional)
add-client-id-default = Client id (default: databricks-cli)
add-redirect = Registered loopback redirect, e.g. http://127.0.0.1:8765/callback
add-client-id-sp = Client id (the service principal's application id)
add-pat = Personal access token (kept in your keychain)
add-client-secret = Client secret (kept in your keychain)
add-profile = Profile name in ~/.databrickscfg
scope-hint-file-files = the scope "file.files" (as the guide's example writes it) is likely meant as "files.files", the Files API's scope: did you mean files.files?
add-scopes = Scopes, separated by spaces (default: all-apis)
add-scopes-example = all-apis sql
add-ca = CA bundle file (PEM), if your company inspects HTTPS (optional)
add-checking = Checking with the workspace…
add-save = Check and save
nothing-sent = Nothing sent yet.

## The request

request-not-full-url = This is not a full URL yet (https://…).
request-not-https = Databricks Apps are reached over https.
request-outside-api = Apps accept tokens only on /api/ routes: this path will answer with a redirect to sign-in.
request-tab-params = Params
request-tab-headers = Headers
request-tab-body = Body
request-tab-snippets = Snippets
request-tab-history = History
request-heading = Request
request-steps = How a request is made
request-step-connect = Connect.
request-step-connect-text = Choose a connection on the left; Lakegate obtains and refreshes its token.
request-step-app = Pick an app.
request-step-app-text = Its address comes from the workspace, so it is always the right one.
request-step-call = Call an endpoint.
request-step-call-text = Only routes under /api/ accept a token; the Authorization header is added for you and shown redacted.
request-url-example = https://<app>-<workspace-id>.<region>.databricksapps.com/api/… or paste a curl command
request-send-title = Send (Ctrl+Enter)
request-send = Send
request-import-curl = Import curl…
request-copy-link = Copy link
request-link-copied = Link copied (it holds no token):
request-curl-label = A curl command (its token, if any, is left out and never kept)
request-curl-example = curl -X GET -H "Authorization: Bearer …" https://…/api/…
request-import = Import
request-pick-endpoint = Pick one of { $app }'s { $n } endpoints…
request-parts = Request parts
request-row-on = On
request-row-value = Value
request-always-sent = Always sent
request-bearer-from = (from { $connection }, added in Rust)
request-row-send = Send { $key }
request-row-value-of = Value of { $key }
request-row-remove = Remove { $key }
request-add-param = Add a query parameter
request-add-header = Add a header
request-timeout = Timeout
request-json-body = JSON body
request-body-example = {"{"} "name": "…" {"}"}
request-invalid-json = Not valid JSON: { $problem }. It will be sent as plain text.
request-valid-json = Valid JSON.
request-valid-json-no-body = Valid JSON — but { $method } requests are sent without a body.
request-snippets-note = The token comes from DATABRICKS_TOKEN or the SDK's own sign-in, never pasted in.
request-snippet-requests = Python (requests)
request-snippet-sdk = Python (Databricks SDK)
request-snippet-cli = Python (a databricks CLI profile's token)
request-snippets-empty = Enter a full URL to see the request as code.
request-search-history = Search history
request-save-name = Name for the saved request
request-save = Save this request
request-saved = Saved
request-recent = Recent
request-send-again = Send again
request-send-again-label = Send again: { $method } { $url }
request-this-row = this row

## The answer

response-heading = Response
response-receiving = Receiving the answer ({ $status })…
response-waited = The server asked Lakegate to wait (rate limit, Retry-After: { $secs } s): it waited and sent the request again { $times ->
    [one] once
   *[other] { $times } times
}. Its method changes nothing on the server, so sending it again is safe.
response-waiting = Waiting for the answer… (Cancel stops it)
response-not-sent = Not sent: the token stays with its workspace
response-send-without-token = Send without the token
response-trust-host = Trust a host in Settings
response-timed-out = No answer in time
response-cancelled = Cancelled
response-failed = The request failed
response-timings-line = DNS { $dns } · connect { $connect } · TLS { $tls } · first byte { $first }
response-redirect = Redirect to { $location } (shown, not followed).
response-stopped = Stopped after { $size }: what came until then is shown.
response-truncated = The body is larger than { $size }: only its first { $size } are shown.
response-parts = Response parts
response-tab-headers = Headers ({ $n })
response-tab-timings = Timings
response-no-body = No body.
response-binary = { $size } of { $type }; not shown as text.
response-binary-data = binary data
response-show-as-text = Show as text
response-tls-handshake = TLS handshake
response-first-byte = First byte
response-total = Total
response-server = Server
response-via-proxy = via proxy { $proxy }
response-diagnosing = Checking what went wrong…
response-doctor-passed = Every check passed: the app itself gave this answer.
response-sign-in-with = Sign in with { $scopes }
response-open-doctor = Open the full Doctor
response-empty = The status, headers, body and timings of each answer appear here. When a call fails (401, 403, 404 or a network error), the Doctor lists what it checked, what it found and the exact next step.

## A big answer's body

body-saved = Saved { $size } ({ $bytes } bytes, exactly as received) to { $path }
body-expand-all = Expand all
body-collapse-all = Collapse all
body-find = Find in the body
body-previous = Previous match
body-next = Next match
body-searching = Searching…
body-save-to-file = Save to file…
body-save-to = Save { $size } to
body-as-tree = The body as a tree
body-as-text = The body as text
body-collapse-node = Collapse { $name } (Shift: everything inside)
body-expand-node = Expand { $name } (Shift: everything inside)
body-the-document = the document
body-see-text = (see the text view)
body-no-match = No match
body-match = { $n } of { $total }

## Check files

checks-summary = { $passed } of { $total } passed, in { $seconds } s
checks-summary-failed = { $passed } of { $total } passed, { $failed } failed, in { $seconds } s
checks-intro = A check file lists requests and what each answer must show. Keep it beside your code; run it here, or in CI with
checks-file = Check file
checks-file-example = /home/you/project/checks.json
checks-open = Open
checks-from-saved = Or start from saved requests
checks-as = as
checks-write-file = Write check file
checks-run-as = Run as
checks-running = Running…
checks-run = Run { $n } { $n ->
        [one] check
       *[other] checks
    }
checks-progress = { $done } of { $total } done, { $failed } failed
checks-state-running = running
checks-state-not-run = not run
checks-pass = Pass
checks-fail = Fail
checks-no-answer = no answer
checks-hide = Hide
checks-details = Details
checks-no-answer-because = No answer: { $error }
checks-next = Next:
checks-answer = The answer
checks-answer-start = The answer (its start)
checks-report = Report
checks-write-to = Write to
checks-write-report = Write report
checks-wrote = Wrote { $path } (no token or secret in it)

## Who can call which app

access-cell-timeout = no answer within { $seconds } s, the token included: the call was given up
access-unknown = unknown — ask one of the app's managers
access-none = no permission
access-level-through-group = { $level } (through group { $name })
access-level-through = { $level } (through { $via })
access-scopes-unknown-needs = unknown whether it needs { $scopes } (not on record for a service principal)
access-scopes-unknown = scopes unknown
access-token-lacks = token lacks { $scopes }
access-token-has-scopes = token has its scopes
access-no-scopes-needed = no scopes needed
access-called = called: { $status }
access-no-answer = no answer: { $error }
access-heading = Who can call which app
access-intro = Every app of the workspace against every connection of it, from live answers: the permission found (read from the app's access list with whichever identity may read it; groups count), whether the token covers the app's scopes and, after Check all, what a real call got.
access-filter-who = Filter identities
access-only-red = Only apps with a red cell
access-path = Path to call
access-path-example = /api/health
access-check-all = Check all
access-loading = Reading every app's permissions as every identity…
access-summary = { $apps } apps × { $identities } { $identities ->
        [one] identity
       *[other] identities
    }; { $red } red { $red ->
        [one] cell
       *[other] cells
    }.
access-summary-called = { $apps } apps × { $identities } { $identities ->
        [one] identity
       *[other] identities
    }; { $red } red { $red ->
        [one] cell
       *[other] cells
    }; each app called at { $path }.
access-caption = Permissions, scopes and calls for each app and identity
access-managed-by = managed by { $managers }
access-unreadable = list unreadable here; ask { $managers }
access-workspace-admin = a workspace admin
access-person = person
access-export = Export
access-export-to = to

## The page the browser shows after sign-in (Lakegate's loopback listener)

callback-bad-request = Bad request
callback-bad-request-text = Lakegate could not read this request.
callback-not-found = Not found
callback-not-found-text = Nothing is served here.
callback-not-allowed = Not allowed
callback-not-allowed-text = Only the browser's sign-in redirect is answered here.
callback-not-this-sign-in = Not this sign-in
callback-not-this-sign-in-text = This answer does not belong to the sign-in Lakegate is waiting for. Start the sign-in again from Lakegate.
callback-no-issuer = Sign-in refused
callback-no-issuer-text = The answer did not say which server sent it. You can return to Lakegate.
callback-wrong-issuer = Sign-in refused
callback-wrong-issuer-text = The answer came from another server than the workspace. You can return to Lakegate.
callback-provider-error = Sign-in did not complete
callback-provider-error-text = The workspace said: { $said }. You can return to Lakegate.
callback-signed-in = Signed in
callback-signed-in-text = You are signed in. You can return to Lakegate and close this tab.
callback-no-code = No code
callback-no-code-text = The answer carried no authorization code. Start the sign-in again from Lakegate.
callback-not-redirect-pasted = That is not this sign-in's address: paste the whole address the browser ended on, which starts with this sign-in's redirect (http://localhost:8020/?code=… for the databricks CLI's client).
callback-not-this-sign-in-pasted = That address belongs to another sign-in (its state is not this one's): paste the address of the latest sign-in you opened.
callback-no-code-pasted = That address carries no code: the browser may not have finished the sign-in. Paste the address it shows once the workspace sends it back.
callback-not-redirect = Not this sign-in's address
callback-not-redirect-text = This is not the sign-in's redirect address.
sign-in-paste-none = { $name } is not waiting for a sign-in: start it, then paste the address the browser ended on.

## The sandbox workspace's sign-in pages

sandbox-page-title = { $title } · Lakegate sandbox
sandbox-sign-in = Sign in to the sandbox workspace
sandbox-sign-in-text = { $client } asks to act as you in the sandbox workspace with the scopes { $scopes }.
sandbox-choose = Choose who to sign in as. These are the sandbox's built-in people; no password is needed.
sandbox-cancel = Cancel sign-in
sandbox-role-user = user
sandbox-role-admin = admin
sandbox-ended = This sign-in has ended
sandbox-ended-text = This sign-in request has expired or was already answered. Start the sign-in again from Lakegate.
sandbox-browser-login = Sign in to open this app
sandbox-browser-login-text = A browser would sign you in here before opening { $next }.
sandbox-browser-login-note = Bearer tokens are accepted only on an app's /api/ routes; other pages of an app are for people in a browser. Personal access tokens are never accepted by apps.

## Errors the window shows (their English is the command line's text)

phase-dns = looking up the host name (DNS)
phase-connect = connecting (TCP)
phase-proxy = opening a tunnel through the proxy
phase-tls = the TLS handshake
phase-waiting = waiting for the first byte of the answer
phase-body = reading the answer's body
call-token-elsewhere = the token was cleared for { $cleared }, not for { $host }: the request was not sent
call-dns = the host name { $host } could not be resolved (DNS): { $reason }
call-connect = could not connect to { $address }: { $reason }
call-proxy-auth = the proxy { $proxy } asks for authentication (407): set the user and password in the proxy URL (http://user:password@proxy:port)
call-proxy-refused = the proxy { $proxy } refused to open a tunnel to { $target }: { $status }
call-tls-untrusted = the server's certificate is not trusted: { $reason }. If your company inspects HTTPS, add its CA bundle (PEM) to the connection or set SSL_CERT_FILE
call-tls = the TLS handshake failed: { $reason }
call-timeout = no answer within { $seconds } s, while { $phase }
call-cancelled = the request was cancelled
call-broken = the connection broke while { $phase }: { $reason }
http-ca-bundle = the CA bundle { $path } cannot be read: { $reason }
http-setup = the HTTPS client could not be set up: { $reason }
keychain-unavailable = the system keychain cannot be reached ({ $cause }). Lakegate keeps tokens and secrets only in the keychain: unlock or start it (on Linux: a Secret Service such as gnome-keyring in your desktop session), or choose to keep secrets in memory for this run only
keychain-refused = the system keychain refused the entry "{ $account }": { $cause }
keychain-timed-out = the system keychain did not answer within { $seconds } s: it may be locked and waiting for a password prompt (look for one behind other windows). Unlock it, then try again
cli-missing = the databricks CLI ({ $program }) is not installed or not on PATH. Install it (https://docs.databricks.com/dev-tools/cli/install.html), or add this workspace as a user sign-in connection instead
cli-too-old = this databricks CLI is too old for `auth token` ({ $detail }). Update it to version 0.200 or later
cli-failed = the databricks CLI could not give a token for profile { $profile }: { $detail }
cli-unreadable = the databricks CLI printed something that is not its token JSON: { $detail }
refused-not-https = Lakegate did not send the request: the token of { $connection } goes only over https, and this URL uses { $scheme } ({ $host }). Use the https address, or send it without the token.
refused-foreign-host = Lakegate did not send the request: { $host } is not { $connection }'s workspace ({ $workspace }), one of its apps, or a Databricks Apps host ({ $apps }), so its token does not go there. Send it without the token, or, if you trust { $host } with this token, add it to the connection's trusted hosts.
refused-other-workspace = Lakegate did not send the request: { $host } is a Databricks App of workspace { $app_workspace }, and { $connection }'s workspace ({ $workspace }) is workspace { $ours }, so its token does not go there. Use a connection to that app's workspace, or check the app's URL.
refused-workspace-id-unknown = Lakegate did not send the request: { $host } is a Databricks Apps host, and Lakegate could not learn the id of { $connection }'s workspace ({ $workspace }) to tell whether the app is one of its own, so its token does not go there. Check that the workspace answers, then try again.
workspace-network = the workspace could not be reached: { $reason }
workspace-unauthorized = the workspace refused the token ({ $status }): { $message }. Sign in again or check the connection's scopes
workspace-other-workspace = the workspace refused the token ({ $status }): { $message }. The token is another workspace's: use a connection of this workspace
workspace-forbidden = the workspace accepted the token but refused the request ({ $status }): { $message }. The identity lacks a permission or entitlement this needs: ask a workspace admin
workspace-api = the workspace answered { $status }: { $message }
workspace-bad-answer = the workspace's answer could not be read: { $reason }
workspace-looping = the Apps list did not end: page token { $token } came back twice
login-port-busy = another program holds http://localhost:{ $port } (still busy after { $seconds } s), the only redirect the databricks-cli client accepts. Close it (another sign-in, or `databricks auth login`), or use your organisation's own OAuth app with a loopback redirect of its own
login-bind = the sign-in could not listen on { $address }: { $reason }
login-bad-redirect = { $redirect } cannot be a sign-in redirect: it must be http://127.0.0.1:<port>, http://[::1]:<port> or http://localhost:<port> (RFC 8252 loopback)
login-cancelled = the sign-in was cancelled
login-timed-out = the sign-in timed out: the browser did not come back within { $minutes } minutes. Start it again
login-provider = the workspace ended the sign-in with { $error }
login-provider-described = the workspace ended the sign-in with { $error }: { $description }
login-issuer-mismatch = the sign-in answer came from { $got }, not from { $expected }, the workspace it was sent to; it was refused (a mix-up attack or a misconfigured proxy)
login-issuer-missing = the sign-in answer did not say which server sent it (no iss), although { $expected } promises to (RFC 9207): it was refused. Start the sign-in again
login-exchange = the code could not be exchanged for tokens: { $reason }
grant-refresh-invalid = the refresh token is no longer valid (the workspace said: { $said }). Sign in again; the connection and its settings are kept
grant-access-denied = the workspace refused the scopes asked for ({ $said }). This client secret may be limited to some scopes: ask for only those, or ask an admin for a secret that allows the others
grant-invalid-client = the workspace did not accept the client id and secret ({ $said }). Check the service principal's client id, and that the secret has not expired or been deleted
grant-refused = the workspace refused the token request: { $error }
grant-refused-described = the workspace refused the token request: { $error } ({ $description })
grant-network = the token endpoint could not be reached: { $reason }
grant-bad-response = the token endpoint answered something that is not an OAuth token response: { $reason }
discovery-not-databricks = { $host } does not support Databricks OAuth: { $url } answered { $status }{ $excerpt }. Check that this is your workspace URL (as in the browser's address bar)
discovery-unreachable = { $host } could not be reached: { $reason }
discovery-not-https = the OAuth metadata at { $document } names a { $what } that is not an https URL ({ $url }): Lakegate refuses it, since sign-in links and tokens go over https only
host-empty = enter the workspace address, e.g. https://adb-1234567890123456.7.azuredatabricks.net
host-not-a-url = { $host } is not a web address: enter the workspace URL as it appears in your browser
host-not-https = { $host } uses { $scheme }: Databricks workspaces are reached over https
file-read = { $path } could not be read: { $reason }
file-write = { $path } could not be written: { $reason }
store-write = { $path } could not be written: { $reason }. Your change was not saved
store-duplicate = a connection named { $name } already exists: pick another name
store-unknown = there is no saved connection named { $name }
history-exists = a saved request named { $name } already exists in { $collection }
settings-invalid = { $path } is not valid ({ $reason }); it was kept as it is and defaults are used until it is fixed
token-sign-in-needed = { $connection } is not signed in: sign in first (in the window, or `lakegate login { $connection }`)
token-sign-in-again = { $connection } needs you to sign in again: { $reason }
token-no-secret = the { $what } of { $connection } is not in the keychain: add the connection again with its { $what }
token-not-user-login = { $connection } is not a user sign-in connection: it gets its tokens without a browser
token-join = the keychain task failed: { $reason }
host-no-browser = no browser is set to open links (BROWSER=none): open the sign-in link yourself
host-open = the browser could not be opened ({ $reason }): open the sign-in link yourself
host-not-found = { $program } is not installed or not on PATH
host-run = { $program } could not be run: { $reason }
jwt-parts = this token is not a JWT (it has { $parts } dot-separated parts, a JWT has 3); Databricks may still accept it, but Lakegate cannot show what is inside
jwt-base64 = the token's { $part } is not base64url
jwt-json = the token's { $part } is not a JSON object
no-such-connection = there is no connection named { $name }
sandbox-ca-unreadable = its CA file could not be read back: { $reason }
no-sign-in-waiting = no sign-in to { $name } is waiting: start it again
sign-in-connection-removed = The sign-in for { $name } did not finish: the connection was removed while the browser was open. Nothing was kept.
sign-in-connection-changed = The sign-in for { $name } did not finish: the connection changed while the browser was open (now { $what }). Nothing was kept; sign in again.
enter-the-pat = enter the personal access token
enter-the-secret = enter the client secret
pat-not-accepted = the workspace did not accept this personal access token ({ $reason })
curl-not-curl = this is not a curl command: it should start with `curl`
curl-unbalanced = the command's quotes are not closed: copy the whole command
curl-no-url = the command has no URL
curl-two-urls = the command has two URLs ({ $first } and { $second }): Lakegate sends one request at a time
curl-missing-value = { $option } needs a value after it
curl-unknown = curl's { $option } is not understood here: remove it and paste again
curl-reads-file = { $option } reads a file ({ $file }): paste the body itself
link-not-a-link = this is not a Lakegate link (lakegate://open?…)
link-too-long = the link is longer than { $max } characters
link-carries-secret = the link carries { $what }: links never carry a token, a cookie or credentials, so it was not opened
link-would-carry-secret = the request has a { $header } header, which a link must not carry: remove it, then copy the link
link-no-url = the link's request has no https URL
link-invalid = the link's { $part } is not valid: { $reason }
openapi-too-large = the document is { $bytes } bytes, more than the { $max } an OpenAPI document may have here
openapi-not-json = the document is not JSON: { $reason }
openapi-not-openapi = the document is JSON but not OpenAPI (no `paths` object)
openapi-none = No OpenAPI document could be read ({ $tried }). Type the path of the endpoint instead.
answer-not-kept = this answer is no longer kept: send the request again
answer-unreadable = the answer could not be read: { $reason }
file-exists = { $path } exists already: replace it, or choose another name
proxy-not-an-address = { $proxy } is not a proxy address: write http://host:port (optionally http://user:password@host:port)
proxy-password-again = The proxy or its user changed: type the password for it again (the kept one was for the proxy it was typed for).

## Check files: what is wrong with one, and with an answer

checkfile-not-a-check-file = not a check file: { $reason } (see README: Checks that run by themselves)
checkfile-empty = "checks" is empty: add at least one check
checkfile-concurrency = "concurrency" is { $value }: give 1 to { $max }
checkfile-at = check { $n }
checkfile-at-named = check { $n } ({ $name })
checkfile-no-name = { $at }: give it a "name"
checkfile-same-name = { $at }: another check has the same name
checkfile-method = { $at }: "method" { $method } is not an HTTP method
checkfile-url-credentials = { $at }: the URL holds a user name or password; a check file keeps no secrets
checkfile-url-secret-param = { $at }: the URL's { $name } parameter looks like a credential; a check file keeps no secrets
checkfile-url-https = { $at }: "url" must be https:// (a token is only ever sent over https)
checkfile-url-invalid = { $at }: "url" { $url } is not a URL: { $reason }
checkfile-app-empty = { $at }: "app" is empty
checkfile-path-slash = { $at }: "path" must start with / (e.g. /api/hello)
checkfile-path-missing = { $at }: give the app's "path" too (e.g. /api/hello)
checkfile-no-target = { $at }: give "app" and "path", or a "url"
checkfile-two-targets = { $at }: give "app" and "path", or a "url", not both
checkfile-secret-header = { $at }: the { $name } header carries a credential; a check file keeps no secrets (the connection's token is sent)
checkfile-secret-query = { $at }: the query parameter { $name } looks like a credential; a check file keeps no secrets
checkfile-timeout = { $at }: "timeout_secs" is { $value }: give 1 to 600
checkfile-status = { $at }: "expect.status" must be HTTP statuses (100–599)
checkfile-pointer = { $at }: the JSON pointer { $pointer } must be empty or start with /
checkfile-expectation = { $at }: the expectation at { $pointer } needs "equals" or "type"
check-or = {" "}or{" "}
check-status = status { $status }, expected { $expected }
check-status-2xx = status { $status }, expected a 2xx status
check-not-json = the answer is not JSON
check-the-document = the document
check-missing = { $at }: not in the answer
check-kind = { $at }: { $found }, expected { $expected }
check-equals = { $at }: not { $expected } (the answer has { $found } there)
check-too-slow = took { $ms } ms, the limit is { $limit } ms
curl-note-redirects = curl would follow redirects; Lakegate shows a redirect instead of following it
curl-note-insecure-k = the command turned certificate checks off (-k); Lakegate always checks them
curl-note-insecure = the command turned certificate checks off (--insecure); Lakegate always checks them
curl-note-output-o = the answer is shown, not written to a file (-o)
curl-note-output = the answer is shown, not written to a file (--output)
curl-note-proxy-x = curl's proxy (-x) is not used: Lakegate's Network settings say which proxy
curl-note-proxy = curl's proxy (--proxy) is not used: Lakegate's Network settings say which proxy
curl-note-retry = curl would retry (--retry); Lakegate never sends a request twice on its own
curl-carried-token = This command carried a token; Lakegate used the connection's own and kept nothing of it.
curl-left-out = Left out of the request and never kept: { $names }.
curl-no-owner = No connection's workspace lists { $host }: check the connection before sending.
not-a-url = { $url } is not a URL: { $reason }
stream-buffered = All { $events } events arrived at once, { $seconds } s after the request: something between Lakegate and the app is buffering the stream. Databricks' Apps proxy is on record as buffering server-sent events; a company proxy or gateway can too (nginx: `X-Accel-Buffering: no`). For answers that must arrive as they are written, Databricks' platform guide points to WebSockets.
stream-cut = The stream ended by itself after { $seconds } s, close to the { $limit } s that Databricks' Apps proxy is on record as letting a stream run before it cuts it: the answer may be incomplete. Send long work in pieces, or poll for its result instead of streaming it.
stream-buffered-chunks = The { $events } events arrived in { $bunches } bunches up to { $seconds } s apart, not one by one: something between Lakegate and the app is buffering the stream. Databricks' Apps proxy is on record as delivering server-sent events "buffered and in chunks, not token-by-token"; a company proxy or gateway can too. For answers that must arrive as they are written, Databricks' platform guide points to WebSockets.
check-app-never-deployed = the app { $app } has never been deployed, so it has no address
check-no-such-app = the workspace has no app named { $app } that { $connection } can see (apps: { $count ->
        [0] none
       *[other] { $apps }
    })
checks-none-run = no checks have run yet: run a check file first
doctor-no-report = there is no Doctor report yet: run the Doctor first
scopes-not-user = { $connection } is not a user sign-in: its scopes come from its secret or profile
access-not-loaded = the access view has not been loaded yet
access-none-signed-in = no connection of { $host } is signed in: sign in to one to see its apps
access-groups-unreadable = its groups could not be read: { $reason }
clipboard-failed = the clipboard could not be used: { $reason }
cfg-not-text = { $path } is not text (UTF-8): Lakegate leaves it untouched
cfg-exists = { $path } already has a profile named [{ $name }]: pick another name
cfg-bad-name = { $name } cannot be a profile name: use letters, digits, '-', '_' or '.'
cfg-bad-value = { $value } cannot be written to a profile: values are one line
cfg-skipped-lines = { $path }: lines { $lines } were not understood and were skipped
connections-set-aside = { $path } could not be read ({ $reason }); it was kept as { $aside } and Lakegate started with no saved connections
env-connection-skipped = the environment's connection was skipped: { $reason }
profile-skipped = profile [{ $name }] was skipped: { $reason }
sandbox-port-in-use = port { $port } on 127.0.0.1 is already in use: stop what uses it or pick another port with --port (0 picks a free one)
sandbox-listen = the sandbox could not listen on 127.0.0.1:{ $port }: { $reason }
sandbox-write-ca = the sandbox could not write its CA certificate to { $path }: { $reason }
sandbox-tls = the sandbox could not make its TLS certificate: { $reason }
sandbox-crypto = the sandbox's cryptography failed: { $reason }
sandbox-unknown-user = --auto-approve { $user }: no sandbox user has this email (try alice@example.com or admin@example.com)
name-empty = give the connection a name
name-too-long = a connection name has at most { $max } characters
name-reserved = { $name } is reserved (env, sandbox, sandbox service principal and profile:… name connections Lakegate finds itself)
name-bad-characters = a connection name cannot hold control characters or slashes
trusted-host-invalid = { $host } is not a host name: write it as host.example.com or host.example.com:8443
redirect-not-loopback = the redirect must be a loopback address such as http://127.0.0.1:8765/callback (RFC 8252)
enter-the-client-id = enter the service principal's client id (application id)
enter-the-profile = enter the databricks CLI profile's name
trust-not-saved = { $name } is not saved in Lakegate (it comes from the environment or ~/.databrickscfg): save it as a connection of its own to trust more hosts with its token
remove-not-saved = { $name } is not saved in Lakegate: change it where it comes from
remove-while-signing-in = A sign-in to { $name } is keeping its tokens right now: try again in a moment.
language-unknown = { $language } is not a language Lakegate speaks
path-empty = give the file a name
path-no-home = there is no home folder: give a full path
path-not-absolute = give a full path (starting with / or ~/)
path-is-folder = the path names a folder: add a file name
body-not-json = this answer is not JSON
body-no-node = no such node in this answer
saved-request-no-name = give the saved request a name
checkfile-too-big = { $path } is { $bytes } bytes: not a check file
checkfile-not-utf8 = { $path } is not UTF-8 text
checkfile-unusable = { $path } is not a usable check file:
    { $problems }
checks-no-saved = no saved requests in { $collection }: save some from the request builder first
checks-saved-unusable = these saved requests cannot become checks:
    { $problems }
scopes-not-saved = { $connection } is not saved in Lakegate: change its scopes where it comes from
access-path-slash = the path starts with / (e.g. /api/health)
bridge-error = Lakegate's window could not reach its backend ({ $detail }). Restart Lakegate; if this keeps happening, report it with this message.
access-md-called = Each app was called at `{ $path }` as each identity.
access-md-red-cells = What the red cells need
access-md-need-can-use = CAN USE on { $app } (ask { $who })
access-md-need-scopes = a token with { $scopes }
access-md-need-look = a look at why { $app } answered { $status } (run the Doctor)
access-md-need-answer = an answer: { $error }
access-md-need-doctor = the Doctor
checks-md-title = Checks: { $name }
checks-md-summary = { $passed } of { $total } passed against { $connection } ({ $host }) on { $at } UTC, in { $seconds } s.
checks-md-check = Check
checks-md-request = Request
checks-md-status = Status
checks-md-time = Time
checks-md-pass = pass
checks-md-fail = FAIL
checks-md-failures = Failures
link-opened-note = Opened from a link: nothing is sent until you press Send.

## The guide: Databricks' page "Connect to a Databricks App using token authentication", live.
nav-guide = Guide
guide-heading = The guide: calling a Databricks App with a token
guide-intro = Databricks' page on token authentication for apps, step by step, done for real on { $host }. Each step says what it is and why, does it, and shows the same step in your own tools: the databricks CLI, the Python SDK and curl, with this workspace filled in and the token taken from the environment.
guide-page = Read Databricks' page
guide-app = App used by the steps
guide-app-none = no app with an address
guide-progress = { $done } of { $total } steps done
guide-reset = Start over
guide-mark-done = Mark as done
guide-done = Done
guide-in-your-tools = The same in your own tools
guide-tool-cli = Shell
guide-tool-python = Python
guide-tool-curl = curl
guide-loading = Checking this workspace…
guide-no-connection = Add a connection or try the sandbox first: the guide does every step for real.
guide-no-such-step = there is no guide step { $step }
guide-no-such-trial = there is no playground trial { $trial }
guide-step-requirements = Requirements
guide-step-requirements-body = Token authentication works for apps that serve an HTTP API under /api/. You need CAN USE on the app, and a way to get a Databricks access token. Lakegate checks all three on this workspace, now.
guide-check-again = Check again
guide-req-token-yes = ✔ A token can be had (it lasts about { $minutes } more minutes).
guide-req-token-no = ✘ No token yet: { $reason } Sign in (or add the connection's secret), then check again.
guide-req-api-endpoint-yes = ✔ { $app } lists { $count } /api/ endpoints in its OpenAPI document, { $path } among them.
guide-req-api-endpoint-no = ✘ This workspace has no deployed app to call. Deploy an app that serves /api/ routes, then check again.
guide-req-api-endpoint-unknown = ? { $app } publishes no OpenAPI document listing /api/ routes, so whether it serves any is unknown: call a path you know under /api/.
guide-req-can-use-yes = ✔ You have { $level } on { $app }.
guide-req-can-use-no = ✘ You have no permission on { $app }: ask one of its managers ({ $managers }) for CAN USE.
guide-req-can-use-unknown = ? Whether you have CAN USE on { $app } is unknown here (its permissions cannot be read with this sign-in): ask one of its managers ({ $managers }).
guide-step-person = Local development: your own sign-in
guide-step-person-body = On your own machine you sign in as yourself, in the system browser (OAuth user-to-machine with PKCE), which Databricks recommends. The databricks CLI and SDKs keep the sign-in in a profile and hand out short-lived tokens from it.
guide-do-sign-in = Sign in
guide-do-inspect = Show the token's claims
guide-step-service-principal = An external application: a service principal
guide-step-service-principal-body = A program that runs without a person uses a service principal's client ID and OAuth secret (OAuth machine-to-machine). Keep the secret in a secret store and hand it to the program through the environment, never in its code.
guide-sp-real = On a real workspace: create a service principal, then on its details page open Secrets and, under OAuth secrets, generate one. The secret is shown once; the client ID is the service principal's application ID.
guide-sp-docs = Databricks' page on service principals and OAuth
guide-sp-sandbox = The sandbox has two service principals of its own; lakegate sandbox prints their client IDs and secrets when it starts.
guide-step-from-app = One Databricks App calling another
guide-step-from-app-body = A Databricks App runs as its own service principal: Databricks sets DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET in its environment, so the SDK needs no explicit credentials. Lakegate works the same way when those variables are set: its connection named env.
guide-step-scopes = Custom scopes for user authorization
guide-step-scopes-body = The CLI and SDKs ask for the all-apis scope. An app with user authorization may need more, and a token without them fails with 401 or 403. This app asks for: { $scopes }. Ask for them when you sign in.
guide-scopes-page = The page's own example asks for: { $scopes }. Try it as the page writes it, then as the app needs it.
guide-scopes-held = Your token holds now: { $scopes }.
guide-do-scopes-page = Sign in asking for the page's scopes
guide-do-scopes-app = Sign in asking for this app's scopes
guide-scopes-none = no extra scopes
guide-scopes-spelling = Databricks' page spells one of its example scopes file.files; the scope is files.files. Lakegate points it out wherever you type it.
guide-do-scopes = Open the scope matrix
guide-step-send = Sending requests
guide-step-send-body = Put the token in the Authorization header as a Bearer token and call the app under /api/. Here: GET { $url }.
guide-do-send = Send it
guide-sent = Answered { $status } in { $ms } ms.
guide-step-security = Security practices
guide-step-security-body = Never write a token into code: take it from the environment or a credential store, as every line above does. Refresh tokens regularly and keep them out of logs. Lakegate keeps secrets in the system keychain and never shows a refresh token or client secret to this window.
guide-step-troubleshooting = Troubleshooting 401, 403, 404 and the network
guide-step-troubleshooting-body = Each button makes one request that fails in one of the ways the page lists. Send it, read the Doctor's explanation under the answer, apply its fix, and send again until it answers 200.
guide-playground-sandbox-only = The playground uses the sandbox's own apps: choose the sandbox connection to use it.
guide-try-expired = 401: a token the app no longer accepts (expired)
guide-try-proxy = Network: a company proxy that blocks the Apps domain (Settings → Network; clear it there)
guide-proxy-already = Settings → Network has a proxy already; the playground never replaces it. Clear it there first to try this one.
guide-proxy-bypassed = Settings → Network's no-proxy list lets the sandbox's apps bypass any proxy, so this trial would show nothing. Take localhost out of it first.
guide-try-no-can-use = 403: no CAN USE on the app
guide-try-scopes = The token lacks the app's scopes
guide-try-stopped = The app is stopped
guide-try-wrong-path = 404: a path the app does not serve
guide-try-wrong-app = 404: an app that does not exist
guide-step-reading = Further reading
guide-read-page = Connect to a Databricks App using token authentication
guide-read-m2m = Authorize service principal access with OAuth
guide-no-such-page = there is no page { $page } in the guide's reading
guide-open-failed = the browser could not open the page ({ $reason }): open { $url } yourself
sandbox-not-started = The sandbox is not running here: choose Try the sandbox first.
guide-run-bad-url = Give the https address of the app to call.
guide-run-failed = Lakegate could not run its headless side: { $reason }
guide-run-secret-note = the service principal's secret, which Databricks puts in the app's environment (not shown)
guide-do-add-sp = Add the sandbox's service principal
guide-sp-added = { $name } is a connection now, signed in with client credentials and no browser. Choose it above to do every step as the service principal, or send from the workbench as it.
guide-do-run-as-app = Run as a Databricks App would
guide-run-said = Lakegate's headless side ran with only an app's environment (exit code { $code }):
guide-sp-open-workspace = Open this workspace's service principals page
guide-sp-workspace-note = The address is the one Databricks' web app gives that page today (settings, identity and access, service principals); where it has moved, that is the way to it.
guide-no-sp-page = the service principals page is on a real workspace; the sandbox has none
nav-workbench = Workbench

## The command palette (Ctrl+K) and the shortcuts sheet (?).
palette-label = Go to
palette-placeholder = Type a view, an app, an endpoint, a request from history or a connection
palette-nothing = Nothing by that name.
palette-kind-view = View
palette-kind-connection = Connection
palette-kind-app = App
palette-kind-endpoint = Endpoint
palette-kind-history = History
shortcuts-heading = Keyboard shortcuts
shortcut-palette = Find a view, an app, an endpoint, a request or a connection
shortcut-send = Send the request (in the workbench)
shortcut-sheet = This sheet
shortcut-close = Close the palette or this sheet
