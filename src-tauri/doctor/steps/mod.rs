//! The Doctor's checks, one file each; `diagnose` (doctor/mod.rs) runs them in order.

mod app;
mod endpoint;
mod identity;
mod network;
mod oauth;
mod permission;
pub(in crate::doctor) mod request;
mod scopes;
mod token;
mod url;

pub(in crate::doctor) use app::*;
pub(in crate::doctor) use endpoint::*;
pub(in crate::doctor) use identity::*;
pub(in crate::doctor) use network::*;
pub(in crate::doctor) use oauth::*;
pub(in crate::doctor) use permission::*;
pub(in crate::doctor) use request::*;
pub(in crate::doctor) use scopes::*;
pub(in crate::doctor) use token::*;
pub(in crate::doctor) use url::*;
