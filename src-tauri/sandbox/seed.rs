//! Who and what lives in the sandbox workspace. Secrets (PATs, client secrets) are
//! generated fresh at every start.

use ring::rand::SystemRandom;

use super::jwt::{random_hex, random_uuid};
use super::SandboxError;

/// A fixed id keeps app URLs and docs stable across starts.
pub const WORKSPACE_ID: &str = "1234567890123456";
/// The Databricks account the sandbox workspace belongs to (named in some refusals).
pub const ACCOUNT_ID: &str = "00000000-0000-4000-8000-000000000001";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Admin => "admin",
        }
    }
}

pub struct User {
    pub id: String,
    pub email: String,
    pub given_name: &'static str,
    pub family_name: &'static str,
    pub role: Role,
    pub groups: Vec<&'static str>,
    /// A personal access token (`dapi…`): works on workspace APIs, refused by apps.
    pub pat: String,
}

impl User {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

pub struct ServicePrincipal {
    pub id: String,
    pub name: &'static str,
    pub client_id: String,
    pub secret: String,
    /// `None`: the secret may ask for any scope; otherwise only these.
    pub allowed_scopes: Option<Vec<&'static str>>,
    pub groups: Vec<&'static str>,
}

pub struct Group {
    pub id: &'static str,
    pub name: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    CanUse,
    CanManage,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::CanUse => "CAN_USE",
            Level::CanManage => "CAN_MANAGE",
        }
    }
}

pub enum Grantee {
    User(&'static str),
    Group(&'static str),
    /// By the service principal's name.
    ServicePrincipal(&'static str),
}

pub struct Grant {
    pub grantee: Grantee,
    pub level: Level,
}

pub struct App {
    pub name: &'static str,
    pub id: String,
    pub description: &'static str,
    pub app_state: &'static str,
    pub app_message: &'static str,
    pub compute_state: &'static str,
    pub compute_message: &'static str,
    pub deployment_state: &'static str,
    pub deployment_message: &'static str,
    pub user_api_scopes: Vec<&'static str>,
    pub acl: Vec<Grant>,
    pub creator: &'static str,
    pub sp_id: String,
    pub sp_client_id: String,
}

impl App {
    pub fn is_serving(&self) -> bool {
        self.app_state == "RUNNING" && self.compute_state == "ACTIVE"
    }

    /// The scopes a token must carry for this app, plus those Databricks always adds.
    pub fn effective_user_api_scopes(&self) -> Vec<&'static str> {
        if self.user_api_scopes.is_empty() {
            return Vec::new();
        }
        let mut all = self.user_api_scopes.clone();
        for s in ["iam.access-control:read", "iam.current-user:read"] {
            if !all.contains(&s) {
                all.push(s);
            }
        }
        all
    }
}

pub struct Seed {
    pub users: Vec<User>,
    pub service_principals: Vec<ServicePrincipal>,
    pub groups: Vec<Group>,
    pub apps: Vec<App>,
}

/// Scopes the sandbox knows; anything else asked for is `invalid_scope`.
pub const KNOWN_SCOPES: &[&str] = &[
    "all-apis",
    "offline_access",
    "openid",
    "profile",
    "email",
    "sql",
    "files.files",
    "dashboards.genie",
    "dashboards",
    "genie",
    "apps",
    "files",
    "unity-catalog",
    "access-management",
    "iam.current-user:read",
    "iam.access-control:read",
];

/// What discovery advertises, as real workspaces do.
pub const ADVERTISED_SCOPES: &[&str] = &[
    "all-apis",
    "sql",
    "openid",
    "profile",
    "email",
    "offline_access",
];

impl Seed {
    pub fn generate(rng: &SystemRandom) -> Result<Self, SandboxError> {
        let pat = |rng| random_hex(rng, 16).map(|h| format!("dapi{h}"));
        let secret = |rng| random_hex(rng, 16).map(|h| format!("dose{h}"));
        let users = vec![
            User {
                id: "4001".into(),
                email: "alice@example.com".into(),
                given_name: "Alice",
                family_name: "Analyst",
                role: Role::User,
                groups: vec!["users", "analysts"],
                pat: pat(rng)?,
            },
            User {
                id: "4002".into(),
                email: "admin@example.com".into(),
                given_name: "Ada",
                family_name: "Admin",
                role: Role::Admin,
                groups: vec!["users", "admins", "finance"],
                pat: pat(rng)?,
            },
            // Not an admin: manages sales and finance (so their lists can be read by a
            // team without an admin); uses finance through its group as well.
            User {
                id: "4003".into(),
                email: "bob@example.com".into(),
                given_name: "Bob",
                family_name: "Bookkeeper",
                role: Role::User,
                groups: vec!["users", "finance"],
                pat: pat(rng)?,
            },
        ];
        let service_principals = vec![
            ServicePrincipal {
                id: "5001".into(),
                name: "reporting-bot",
                client_id: random_uuid(rng)?,
                secret: secret(rng)?,
                allowed_scopes: None,
                groups: vec![],
            },
            ServicePrincipal {
                id: "5002".into(),
                name: "sql-only-bot",
                client_id: random_uuid(rng)?,
                secret: secret(rng)?,
                allowed_scopes: Some(vec!["sql", "all-apis"]),
                groups: vec![],
            },
        ];
        let groups = vec![
            Group {
                id: "3001",
                name: "users",
            },
            Group {
                id: "3002",
                name: "admins",
            },
            Group {
                id: "3003",
                name: "analysts",
            },
            Group {
                id: "3004",
                name: "finance",
            },
        ];
        let open = |extra: Vec<Grant>| {
            let mut acl = vec![
                Grant {
                    grantee: Grantee::User("admin@example.com"),
                    level: Level::CanManage,
                },
                Grant {
                    grantee: Grantee::Group("users"),
                    level: Level::CanUse,
                },
            ];
            acl.extend(extra);
            acl
        };
        let bot_use = || Grant {
            grantee: Grantee::ServicePrincipal("reporting-bot"),
            level: Level::CanUse,
        };
        let sql_bot_use = || Grant {
            grantee: Grantee::ServicePrincipal("sql-only-bot"),
            level: Level::CanUse,
        };
        let running = (
            "RUNNING",
            "App has status: App is running",
            "ACTIVE",
            "App compute is active.",
        );
        let mut apps = Vec::new();
        let mut app = |name,
                       description,
                       state: (&'static str, &'static str, &'static str, &'static str),
                       deployment: (&'static str, &'static str),
                       scopes: Vec<&'static str>,
                       acl: Vec<Grant>|
         -> Result<(), SandboxError> {
            apps.push(App {
                name,
                id: random_uuid(rng)?,
                description,
                app_state: state.0,
                app_message: state.1,
                compute_state: state.2,
                compute_message: state.3,
                deployment_state: deployment.0,
                deployment_message: deployment.1,
                user_api_scopes: scopes,
                acl,
                creator: "admin@example.com",
                sp_id: format!("60{:02}", apps.len() + 1),
                sp_client_id: random_uuid(rng)?,
            });
            Ok(())
        };
        let ok = ("SUCCEEDED", "App started successfully");
        app(
            "hello",
            "Says hello to whoever calls it. Open to every workspace user.",
            running,
            ok,
            vec![],
            open(vec![bot_use(), sql_bot_use()]),
        )?;
        let bob_manages = || Grant {
            grantee: Grantee::User("bob@example.com"),
            level: Level::CanManage,
        };
        app(
            "sales",
            "Sales figures queried on behalf of the caller (user authorization: sql).",
            running,
            ok,
            vec!["sql"],
            open(vec![bot_use(), sql_bot_use(), bob_manages()]),
        )?;
        app("genie-chat", "Ask questions of a Genie space and its files (user authorization: dashboards.genie, files.files).", running, ok, vec!["dashboards.genie", "files.files"], open(vec![]))?;
        app(
            "finance",
            "Month-end figures. Restricted to the finance group.",
            running,
            ok,
            vec![],
            vec![
                Grant {
                    grantee: Grantee::User("admin@example.com"),
                    level: Level::CanManage,
                },
                Grant {
                    grantee: Grantee::Group("finance"),
                    level: Level::CanUse,
                },
                bob_manages(),
            ],
        )?;
        app(
            "report",
            "Weekly report builder. Stopped: start it from the workspace to use it.",
            (
                "UNAVAILABLE",
                "App status is unavailable.",
                "STOPPED",
                "App compute is stopped.",
            ),
            ok,
            vec![],
            open(vec![]),
        )?;
        app(
            "forecast",
            "Demand forecast. A new deployment is in progress.",
            (
                "DEPLOYING",
                "App is being deployed.",
                "ACTIVE",
                "App compute is active.",
            ),
            ("IN_PROGRESS", "Deployment is in progress."),
            vec![],
            open(vec![]),
        )?;
        app(
            "inventory",
            "Stock levels. Its process crashed after the last deployment.",
            (
                "CRASHED",
                "App crashed unexpectedly. Check the app logs.",
                "ACTIVE",
                "App compute is active.",
            ),
            ok,
            vec![],
            open(vec![]),
        )?;
        Ok(Seed {
            users,
            service_principals,
            groups,
            apps,
        })
    }

    pub fn group_id(&self, name: &str) -> &str {
        self.groups
            .iter()
            .find(|g| g.name == name)
            .map_or("0", |g| g.id)
    }

    pub fn app(&self, name: &str) -> Option<&App> {
        self.apps.iter().find(|a| a.name == name)
    }
}
