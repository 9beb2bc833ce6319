//! The current request as code, in the forms the source guide shows: curl, Python
//! `requests`, Python with the Databricks SDK, and Python with a CLI profile's token
//! (`Config(profile=…).oauth_token()`). The token always comes from the environment
//! (`DATABRICKS_TOKEN`) or the SDK's own auth, never pasted in.

mod ops;

use serde_json::Value;

/// What a snippet needs: never the token.
pub struct SnippetInput<'a> {
    pub method: &'a str,
    /// The full URL, query included.
    pub url: &'a str,
    /// Extra headers (no Authorization: that comes from the environment).
    pub headers: &'a [(String, String)],
    pub body: Option<&'a str>,
}

/// `s` as a POSIX shell reads it back whole.
pub(crate) fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A Python string literal (JSON's escapes are valid Python).
fn py(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

fn extra_headers<'a>(input: &'a SnippetInput) -> impl Iterator<Item = &'a (String, String)> {
    input
        .headers
        .iter()
        .filter(|(k, _)| !k.trim().is_empty() && !k.eq_ignore_ascii_case("authorization"))
}

pub fn curl(input: &SnippetInput) -> String {
    let mut lines = vec![format!(
        "curl -sS -X {} {}",
        input.method.to_ascii_uppercase(),
        shell_quote(input.url)
    )];
    lines.push("-H \"Authorization: Bearer $DATABRICKS_TOKEN\"".to_string());
    for (k, v) in extra_headers(input) {
        lines.push(format!(
            "-H {}",
            shell_quote(&format!("{}: {}", k.trim(), v))
        ));
    }
    if let Some(body) = input.body.filter(|b| !b.is_empty()) {
        lines.push(format!("--data-raw {}", shell_quote(body)));
    }
    lines.join(" \\\n  ")
}

fn py_headers(input: &SnippetInput, first: &str) -> String {
    let mut entries = vec![first.to_string()];
    for (k, v) in extra_headers(input) {
        entries.push(format!("{}: {}", py(k.trim()), py(v)));
    }
    format!("{{{}}}", entries.join(", "))
}

fn py_call(input: &SnippetInput, headers: &str) -> String {
    let mut args = vec![
        py(&input.method.to_ascii_uppercase()),
        py(input.url),
        format!("headers={headers}"),
    ];
    if let Some(body) = input.body.filter(|b| !b.is_empty()) {
        args.push(format!("data={}", py(body)));
    }
    args.push("timeout=60".into());
    format!(
        "response = requests.request(\n    {},\n)",
        args.join(",\n    ")
    )
}

pub fn python_requests(input: &SnippetInput) -> String {
    let headers = py_headers(
        input,
        "\"Authorization\": f\"Bearer {os.environ['DATABRICKS_TOKEN']}\"",
    );
    format!(
        "import os\n\nimport requests\n\n{}\nprint(response.status_code)\nprint(response.text)\n",
        py_call(input, &headers)
    )
}

pub fn python_sdk(input: &SnippetInput) -> String {
    let headers = py_headers(input, "**wc.config.authenticate()");
    format!(
        "import requests\nfrom databricks.sdk import WorkspaceClient\n\n\
         # Credentials from DATABRICKS_HOST and DATABRICKS_CLIENT_ID/_SECRET (or a profile).\n\
         wc = WorkspaceClient()\n{}\nprint(response.status_code)\nprint(response.text)\n",
        py_call(input, &headers)
    )
}

/// The guide's fourth form: a token for a `~/.databrickscfg` profile through the SDK's
/// `Config(profile=…).oauth_token()`, then `requests`. An explicit `profile=` wins over
/// `DATABRICKS_CONFIG_PROFILE` in the SDK (tests/sdk/test_cli_protocol.py shows it), so the
/// snippet names the profile, as the guide does.
pub fn python_cli_profile(input: &SnippetInput, profile: &str) -> String {
    let headers = py_headers(input, "\"Authorization\": f\"Bearer {token}\"");
    format!(
        "import requests\nfrom databricks.sdk.core import Config\n\n\
         # A token for a ~/.databrickscfg profile, as `databricks auth token --profile` gives it.\n\
         config = Config(profile={})\n\
         token = config.oauth_token().access_token\n{}\nprint(response.status_code)\nprint(response.text)\n",
        py(profile),
        py_call(input, &headers)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_hostile_values() {
        let headers = vec![
            (
                "X-Note".to_string(),
                "it's \"quoted\" $HOME `x`".to_string(),
            ),
            ("Authorization".into(), "Bearer pasted".into()),
        ];
        let input = SnippetInput {
            method: "post",
            url: "https://a.example/api/x?q=1&r='",
            headers: &headers,
            body: Some("{\"a\": \"it's\"}"),
        };
        let c = curl(&input);
        assert!(
            c.starts_with("curl -sS -X POST 'https://a.example/api/x?q=1&r='\\'''"),
            "{c}"
        );
        assert!(
            c.contains("-H 'X-Note: it'\\''s \"quoted\" $HOME `x`'"),
            "{c}"
        );
        assert!(
            !c.contains("pasted"),
            "a typed Authorization is never copied"
        );
        let p = python_requests(&input);
        assert!(
            p.contains("\"X-Note\": \"it's \\\"quoted\\\" $HOME `x`\""),
            "{p}"
        );
        assert!(p.contains("os.environ['DATABRICKS_TOKEN']"));
        assert!(python_sdk(&input).contains("**wc.config.authenticate()"));
        let c = python_cli_profile(&input, "my-env\"); x");
        assert!(c.contains("Config(profile=\"my-env\\\"); x\")"), "{c}");
        assert!(c.contains(".oauth_token().access_token") && !c.contains("pasted"));
    }
}
