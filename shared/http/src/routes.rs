//! The API's routes and which function serves each: the one list that `openapi.yaml`,
//! `template.yaml`, `cargo lambda watch`'s router and `rantevou serve` are checked against.

/// One route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// HTTP method.
    pub method: &'static str,
    /// Path, with `{id}` for the appointment id (API Gateway's syntax).
    pub path: &'static str,
    /// The function crate (and Lambda) that serves it.
    pub function: &'static str,
}

/// Every route of the API.
pub const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        path: "/api/services",
        function: "list-availability",
    },
    Route {
        method: "GET",
        path: "/api/availability",
        function: "list-availability",
    },
    Route {
        method: "POST",
        path: "/api/appointments",
        function: "create-appointment",
    },
    Route {
        method: "GET",
        path: "/api/appointments/{id}",
        function: "get-appointment",
    },
    Route {
        method: "GET",
        path: "/api/appointments/{id}/cancel",
        function: "cancel-appointment",
    },
    Route {
        method: "POST",
        path: "/api/appointments/{id}/cancel",
        function: "cancel-appointment",
    },
];

/// The function serving `method path` (a concrete path, e.g. `/api/appointments/0190…/cancel`).
pub fn function_for(method: &str, path: &str) -> Option<&'static str> {
    ROUTES
        .iter()
        .find(|r| r.method.eq_ignore_ascii_case(method) && matches(r.path, path))
        .map(|r| r.function)
}

/// Whether a concrete path matches a route path with `{param}` segments.
pub fn matches(route: &str, path: &str) -> bool {
    let (mut r, mut p) = (route.split('/'), path.split('/'));
    loop {
        match (r.next(), p.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a.starts_with('{') && a.ends_with('}') => {
                if b.is_empty() {
                    return false;
                }
            }
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}
