//! Who can call which app: the access view's cells, from live answers — each app's access
//! control list (read with any identity allowed to read it), each identity's groups as
//! SCIM reports them, its token's scopes and, after Check all, a real call. A cell never
//! says "no" where it does not know: an unreadable list or unresolved groups say
//! "unknown". Exports as Markdown and CSV hold no secret.

mod ops;

pub use ops::AccessFormat;

use crate::base::i18n::{wsay, Marked, Msg, Text};
use serde::Serialize;
use ts_rs::TS;

use crate::workspace::AclEntry;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Permission {
    CanManage,
    CanUse,
    None,
    Unknown,
}

impl Permission {
    /// The permission's name (`CAN USE`, kept in every language), or what is known of it,
    /// in the window's language.
    pub fn words(self) -> String {
        match self {
            Permission::CanManage => "CAN MANAGE".into(),
            Permission::CanUse => "CAN USE".into(),
            Permission::None => wsay!("access-none"),
            Permission::Unknown => wsay!("verdict-unknown"),
        }
    }
}

/// One identity (a connection of the workspace) as a column.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccessIdentity {
    pub connection: String,
    /// "person" or "service principal".
    pub kind: String,
    /// Who the workspace says it is (e-mail or display name); none when it could not be asked.
    pub who: Option<String>,
    /// Its groups, as SCIM reports them; none when they could not be read.
    pub groups: Option<Vec<String>>,
    /// Why this identity could not be used (not signed in, refused…).
    pub problem: Option<String>,
}

/// What the access view needs of an identity to judge a cell.
#[derive(Debug, Clone)]
pub struct Who {
    /// SCIM `userName`: a person's e-mail, a service principal's application id.
    pub user_name: String,
    pub groups: Option<Vec<String>>,
}

/// One app × identity.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CellParts {
    pub permission: Marked,
    pub scopes: Marked,
    pub call: Option<Marked>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccessCell {
    pub connection: String,
    pub permission: Permission,
    /// How it is held: "direct", "group NAME", "workspace admin"; or why it is unknown.
    pub via: Option<String>,
    /// Whether the token covers the app's user-authorization scopes; none when the token
    /// could not be read.
    pub scopes_covered: Option<bool>,
    pub missing_scopes: Vec<String>,
    /// After Check all: the status a real call got, or why none came.
    pub status: Option<u16>,
    /// What the app (or the Apps proxy in front of it) said when it refused the call: its
    /// message, or an error page's words.
    pub said: Option<String>,
    pub error: Option<String>,
    /// The identity cannot use the app (found, or shown by a refused call): the Doctor's cells.
    pub red: bool,
    /// How the cell reads (`parts`), made when the cell is complete.
    pub parts: CellParts,
}

impl AccessCell {
    /// Whether the cell is red, from what it holds.
    pub fn is_red(&self) -> bool {
        self.permission == Permission::None
            || self.scopes_covered == Some(false)
            || self.status.is_some_and(crate::http::refused)
            || self.error.is_some()
    }

    /// The cell's three parts — its permission, its scopes, its call — each an icon and
    /// words: the one rule for how a cell reads, which the window draws as it is and the
    /// terminal and the exports join (`words`). `needed`: the app's user-authorization scopes.
    pub fn parts(&self, needed: &[String]) -> CellParts {
        let part = |mark: &str, text: Msg| Marked::new(mark, text);
        let permission = match (self.permission, self.via.as_deref()) {
            (Permission::Unknown, _) => part("?", Msg::new("access-unknown")),
            (Permission::None, _) => part("✘", Msg::new("access-none")),
            (p, Some(via)) if via != "direct" => match via.strip_prefix("group ") {
                Some(group) => part(
                    "✔",
                    Msg::new("access-level-through-group")
                        .arg("level", p.words())
                        .arg("name", group),
                ),
                None => part(
                    "✔",
                    Msg::new("access-level-through")
                        .arg("level", p.words())
                        .arg("via", via),
                ),
            },
            (p, _) => part("✔", Msg::plain(p.words())),
        };
        let scopes = match self.scopes_covered {
            Some(true) if needed.is_empty() => part("", Msg::new("access-no-scopes-needed")),
            Some(true) => part("✔", Msg::new("access-token-has-scopes")),
            Some(false) => part(
                "✘",
                Msg::new("access-token-lacks").arg("scopes", self.missing_scopes.join(", ")),
            ),
            None if !self.missing_scopes.is_empty() => part(
                "?",
                Msg::new("access-scopes-unknown-needs")
                    .arg("scopes", self.missing_scopes.join(", ")),
            ),
            None => part("?", Msg::new("access-scopes-unknown")),
        };
        let call = match (self.status, &self.error) {
            (Some(s), _) => {
                let mut text = Text::from(Msg::new("access-called").arg("status", s));
                if let Some(w) = &self.said {
                    text.0.push(Msg::plain(format!("— {w}")));
                }
                Some(Marked::new(
                    if crate::http::refused(s) {
                        "✘"
                    } else {
                        "✔"
                    },
                    text,
                ))
            }
            (None, Some(e)) => Some(part("✘", Msg::new("access-no-answer").arg("error", e))),
            (None, None) => None,
        };
        CellParts {
            permission,
            scopes,
            call,
        }
    }

    /// The cell in words, as the terminal and the exports say it (in the window's
    /// language): its parts, without the scopes when they are covered.
    pub fn words(&self) -> String {
        let p = self.parts(&[]);
        let mut out = vec![p.permission];
        if self.scopes_covered != Some(true) {
            out.push(p.scopes);
        }
        out.extend(p.call);
        out.iter()
            .map(|part| part.render(crate::base::i18n::window_language()))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppAccess {
    pub app: String,
    pub url: Option<String>,
    pub scopes: Vec<String>,
    /// The identity whose token could read the access control list; none when none could.
    pub acl_read_by: Option<String>,
    /// Who can grant access: the list's managers when it could be read, else the app's creator.
    pub managers: Vec<String>,
    pub cells: Vec<AccessCell>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccessMatrix {
    pub host: String,
    pub identities: Vec<AccessIdentity>,
    pub apps: Vec<AppAccess>,
    /// The path Check all called on every app; none before it ran.
    pub checked_path: Option<String>,
}

const ADMINS: &str = "admins";

/// The permission `who` holds on an app whose access control list is `acl` (`None`: it
/// could not be read), and how.
pub fn judge(acl: Option<&[AclEntry]>, who: Option<&Who>) -> (Permission, Option<String>) {
    let Some(who) = who else {
        return (
            Permission::Unknown,
            Some("the identity could not be asked who it is".into()),
        );
    };
    // Workspace admins manage every app.
    if who
        .groups
        .as_ref()
        .is_some_and(|g| g.iter().any(|g| g == ADMINS))
    {
        return (Permission::CanManage, Some("workspace admin".into()));
    }
    let Some(acl) = acl else {
        return (
            Permission::Unknown,
            Some("its access list cannot be read by any identity here".into()),
        );
    };
    let level = |e: &AclEntry| {
        if e.levels.iter().any(|l| l == "CAN_MANAGE") {
            Permission::CanManage
        } else if e.levels.iter().any(|l| l == "CAN_USE") {
            Permission::CanUse
        } else {
            Permission::None
        }
    };
    let rank = |p: Permission| match p {
        Permission::CanManage => 2,
        Permission::CanUse => 1,
        _ => 0,
    };
    let mut best: (Permission, Option<String>) = (Permission::None, None);
    for e in acl {
        let via = match e.kind.as_str() {
            "user" | "service_principal" if e.name == who.user_name => "direct".to_string(),
            "group" if who.groups.as_ref().is_some_and(|g| g.contains(&e.name)) => {
                format!("group {}", e.name)
            }
            _ => continue,
        };
        let p = level(e);
        if rank(p) > rank(best.0) {
            best = (p, Some(via));
        }
    }
    if best.0 == Permission::None && who.groups.is_none() {
        // A group grant may be the one it holds: never "no" without its groups.
        let grants_to_groups = acl
            .iter()
            .any(|e| e.kind == "group" && level(e) != Permission::None);
        if grants_to_groups {
            return (
                Permission::Unknown,
                Some("its groups could not be read".into()),
            );
        }
    }
    best
}

fn csv(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// One line per app and identity: for spreadsheets.
pub fn to_csv(m: &AccessMatrix) -> String {
    let mut out = String::from(
        "app,identity,kind,permission,through,scopes_covered,missing_scopes,status,said,error\n",
    );
    for a in &m.apps {
        for (c, id) in a.cells.iter().zip(&m.identities) {
            let row = [
                a.app.clone(),
                c.connection.clone(),
                id.kind.clone(),
                c.permission.words().to_string(),
                c.via.clone().unwrap_or_default(),
                c.scopes_covered
                    .map_or("unknown".into(), |b| if b { "yes" } else { "no" }.into()),
                c.missing_scopes.join(" "),
                c.status.map_or(String::new(), |s| s.to_string()),
                c.said.clone().unwrap_or_default(),
                c.error.clone().unwrap_or_default(),
            ];
            let line: Vec<String> = row.iter().map(|f| csv(f)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
    }
    out
}

fn cell_md(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// A table of apps × identities, then what the red cells need (in the window's language).
pub fn to_markdown(m: &AccessMatrix) -> String {
    let mut out = format!("# {} — {}\n\n", wsay!("access-heading"), m.host);
    if let Some(p) = &m.checked_path {
        out.push_str(&format!("{}\n\n", wsay!("access-md-called", path = p)));
    }
    out.push_str(&format!("| {} |", wsay!("matrix-app")));
    for id in &m.identities {
        out.push_str(&format!(
            " {} ({}) |",
            cell_md(&id.connection),
            id.who.as_deref().unwrap_or(&id.kind)
        ));
    }
    out.push_str("\n| --- |");
    for _ in &m.identities {
        out.push_str(" --- |");
    }
    out.push('\n');
    for a in &m.apps {
        out.push_str(&format!("| {} |", cell_md(&a.app)));
        for c in &a.cells {
            out.push_str(&format!(" {} |", cell_md(&c.words())));
        }
        out.push('\n');
    }
    let red: Vec<(&AppAccess, &AccessCell)> = m
        .apps
        .iter()
        .flat_map(|a| a.cells.iter().filter(|c| c.is_red()).map(move |c| (a, c)))
        .collect();
    if !red.is_empty() {
        out.push_str(&format!("\n## {}\n\n", wsay!("access-md-red-cells")));
        for (a, c) in red {
            let who = if a.managers.is_empty() {
                wsay!("access-workspace-admin")
            } else {
                a.managers.join(", ")
            };
            let mut need = Vec::new();
            if c.permission == Permission::None || c.status == Some(403) {
                need.push(wsay!("access-md-need-can-use", app = &a.app, who = who));
            }
            if c.scopes_covered == Some(false) {
                need.push(wsay!(
                    "access-md-need-scopes",
                    scopes = c.missing_scopes.join(", ")
                ));
            }
            if need.is_empty() {
                need.push(match (c.status, &c.error) {
                    (Some(s), _) => wsay!("access-md-need-look", app = &a.app, status = s),
                    (None, Some(e)) => wsay!("access-md-need-answer", error = e),
                    _ => wsay!("access-md-need-doctor"),
                });
            }
            out.push_str(&format!(
                "- **{}** on **{}**: {}\n",
                c.connection,
                a.app,
                need.join("; ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: &str, name: &str, level: &str) -> AclEntry {
        AclEntry {
            kind: kind.into(),
            name: name.into(),
            display: None,
            levels: vec![level.into()],
        }
    }

    fn who(name: &str, groups: Option<&[&str]>) -> Who {
        Who {
            user_name: name.into(),
            groups: groups.map(|g| g.iter().map(|s| s.to_string()).collect()),
        }
    }

    #[test]
    fn direct_group_admin_none_and_unknown() {
        let acl = vec![
            entry("user", "bob@example.com", "CAN_MANAGE"),
            entry("group", "finance", "CAN_USE"),
            entry("service_principal", "app-id-1", "CAN_USE"),
        ];
        let acl = Some(acl.as_slice());
        let bob = who("bob@example.com", Some(&["users", "finance"]));
        assert_eq!(
            judge(acl, Some(&bob)),
            (Permission::CanManage, Some("direct".into()))
        );
        let carol = who("carol@example.com", Some(&["finance"]));
        assert_eq!(
            judge(acl, Some(&carol)),
            (Permission::CanUse, Some("group finance".into()))
        );
        let bot = who("app-id-1", Some(&[]));
        assert_eq!(judge(acl, Some(&bot)).0, Permission::CanUse);
        let alice = who("alice@example.com", Some(&["users"]));
        assert_eq!(judge(acl, Some(&alice)), (Permission::None, None));
        // Without its groups, a group grant could be the one: unknown, never "no".
        let unsure = who("dave@example.com", None);
        assert_eq!(judge(acl, Some(&unsure)).0, Permission::Unknown);
        // A list that cannot be read: unknown for all but workspace admins.
        assert_eq!(judge(None, Some(&alice)).0, Permission::Unknown);
        let admin = who("admin@example.com", Some(&["admins"]));
        assert_eq!(
            judge(None, Some(&admin)),
            (Permission::CanManage, Some("workspace admin".into()))
        );
        assert_eq!(judge(acl, None).0, Permission::Unknown);
    }

    #[test]
    fn a_cell_reads_as_its_parts() {
        let base = AccessCell {
            connection: "alice".into(),
            permission: Permission::CanUse,
            via: Some("direct".into()),
            scopes_covered: Some(true),
            missing_scopes: vec![],
            status: None,
            said: None,
            error: None,
            red: false,
            parts: CellParts::default(),
        };
        let en = |p: &Marked| p.render("en");
        let with = |f: &dyn Fn(&mut AccessCell)| {
            let mut c = base.clone();
            f(&mut c);
            c
        };
        assert_eq!(en(&base.parts(&[]).permission), "✔ CAN USE");
        let managed = with(&|c| {
            c.permission = Permission::CanManage;
            c.via = Some("group finance".into());
        });
        assert_eq!(
            en(&managed.parts(&[]).permission),
            "✔ CAN MANAGE (through group finance)"
        );
        let none = with(&|c| c.permission = Permission::None);
        assert_eq!(en(&none.parts(&[]).permission), "✘ no permission");
        let unknown = with(&|c| c.permission = Permission::Unknown);
        assert!(en(&unknown.parts(&[]).permission)
            .starts_with("? unknown — ask one of the app's managers"));

        let sql = ["sql".to_string()];
        assert_eq!(en(&base.parts(&sql).scopes), "✔ token has its scopes");
        assert_eq!(en(&base.parts(&[]).scopes), "no scopes needed");
        let lacks = with(&|c| {
            c.scopes_covered = Some(false);
            c.missing_scopes = vec!["sql".into(), "files.files".into()];
        });
        assert_eq!(
            en(&lacks.parts(&sql).scopes),
            "✘ token lacks sql, files.files"
        );
        let sp = with(&|c| {
            c.scopes_covered = None;
            c.missing_scopes = vec!["sql".into()];
        });
        assert_eq!(
            en(&sp.parts(&sql).scopes),
            "? unknown whether it needs sql (not on record for a service principal)"
        );
        let unread = with(&|c| c.scopes_covered = None);
        assert_eq!(en(&unread.parts(&sql).scopes), "? scopes unknown");

        assert!(base.parts(&[]).call.is_none());
        let call = |status: Option<u16>, said: Option<&str>, error: Option<&str>| {
            let c = with(&|c| {
                c.status = status;
                c.said = said.map(String::from);
                c.error = error.map(String::from);
            });
            en(&c.parts(&[]).call.unwrap())
        };
        assert_eq!(call(Some(200), None, None), "✔ called: 200");
        assert_eq!(
            call(Some(403), Some("Invalid Token"), None),
            "✘ called: 403 — Invalid Token"
        );
        // The Apps proxy's 302 to sign in is a refusal (databricks/cli#6605).
        assert_eq!(call(Some(302), None, None), "✘ called: 302");
        assert!(with(&|c| c.status = Some(302)).is_red());
        assert_eq!(
            call(None, None, Some("timed out")),
            "✘ no answer: timed out"
        );
    }

    #[test]
    fn exports_say_each_cell_in_words() {
        let cell = |connection: &str, p, via: Option<&str>, covered, status| AccessCell {
            connection: connection.into(),
            permission: p,
            via: via.map(String::from),
            scopes_covered: covered,
            missing_scopes: if covered == Some(false) {
                vec!["sql".into()]
            } else {
                vec![]
            },
            status,
            said: None,
            error: None,
            red: false,
            parts: CellParts::default(),
        };
        let m = AccessMatrix {
            host: "https://h.example.com".into(),
            identities: vec![
                AccessIdentity {
                    connection: "alice".into(),
                    kind: "person".into(),
                    who: Some("alice@example.com".into()),
                    groups: Some(vec!["users".into()]),
                    problem: None,
                },
                AccessIdentity {
                    connection: "bot, the".into(),
                    kind: "service principal".into(),
                    who: None,
                    groups: None,
                    problem: None,
                },
            ],
            apps: vec![AppAccess {
                app: "sales".into(),
                url: None,
                scopes: vec!["sql".into()],
                acl_read_by: Some("bob".into()),
                managers: vec!["bob@example.com".into()],
                cells: vec![
                    cell(
                        "alice",
                        Permission::CanUse,
                        Some("group users"),
                        Some(false),
                        Some(403),
                    ),
                    cell("bot, the", Permission::Unknown, None, None, Some(200)),
                ],
            }],
            checked_path: Some("/api/hello".into()),
        };
        assert_eq!(
            m.apps[0].cells[0].words(),
            "✔ CAN USE (through group users) · ✘ token lacks sql · ✘ called: 403"
        );
        assert!(m.apps[0].cells[0].is_red());
        assert!(!m.apps[0].cells[1].is_red());
        let md = to_markdown(&m);
        assert!(md.contains("| sales | ✔ CAN USE (through group users) · ✘ token lacks sql · ✘ called: 403 | ? unknown — ask one of the app's managers · ? scopes unknown · ✔ called: 200 |"), "{md}");
        assert!(md.contains("- **alice** on **sales**: CAN USE on sales (ask bob@example.com); a token with sql"), "{md}");
        let csv = to_csv(&m);
        assert!(csv.starts_with("app,identity,kind,permission,"));
        assert!(
            csv.contains("sales,alice,person,CAN USE,group users,no,sql,403,,\n"),
            "{csv}"
        );
        assert!(
            csv.contains("sales,\"bot, the\",service principal,unknown,,unknown,,200,,\n"),
            "{csv}"
        );
    }
}
