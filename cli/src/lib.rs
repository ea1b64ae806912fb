//! The `rantevou` command's library: the functions in one process ([`functions`]), the local
//! server ([`serve`]), the staff's configuration commands ([`config_cmd`]), the
//! librarian's commands ([`staff_cmd`]) and where they find the deployed service ([`aws`]).

pub mod aws;
pub mod config_cmd;
pub mod functions;
pub mod guard;
pub mod import_ea;
pub mod limits;
mod listen;
mod outbox_pages;
pub mod serve;
pub mod staff_cmd;
mod timed_io;

pub use functions::Functions;
