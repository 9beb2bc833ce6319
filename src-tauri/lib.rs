//! Lakegate's core. The window (`gui`, behind the feature of the same name) and the
//! command line (`cli`) are two thin callers of the functions defined here.

pub mod access;
pub mod base;
pub mod bindings;
pub mod body;
pub mod bridge;
pub mod checks;
pub mod cli;
pub mod connections;
pub mod curl;
pub mod doctor;
pub mod engine;
pub mod guide;
pub mod history;
pub mod http;
pub mod launcher;
pub mod links;
pub mod oauth;
pub mod profiles;
pub mod request;
pub mod sandbox;
pub mod snippets;
pub mod stream;
pub mod workspace;

#[cfg(feature = "gui")]
pub mod gui;
