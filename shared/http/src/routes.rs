//! The API's routes and which function serves each: the one list that `openapi.yaml`,
//! `template.yaml`, `cargo lambda watch`'s router and `rantevou serve` are checked against.

use std::fmt;

/// The HTTP functions (one Lambda each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    /// `GET /api/services`, `GET /api/availability`.
    ListAvailability,
    /// `POST /api/appointments`, `POST /api/appointments/resend`, `GET /api/challenge`,
    /// `POST /api/waitlist`, `POST /api/waitlist/confirm`, `POST /api/waitlist/leave`.
    CreateAppointment,
    /// `GET /api/appointments/{id}`.
    GetAppointment,
    /// `GET|POST /api/appointments/{id}/confirm`.
    ConfirmAppointment,
    /// `GET /api/appointments/{id}/manage`, `GET|POST /api/appointments/{id}/cancel`,
    /// `POST /api/appointments/{id}/reschedule`: where every mail's link lands.
    CancelAppointment,
    /// Every `/api/staff/...` route (signed in, the `staff` group).
    StaffApi,
}

impl Function {
    /// Every HTTP function.
    pub const ALL: [Function; 6] = [
        Function::ListAvailability,
        Function::CreateAppointment,
        Function::GetAppointment,
        Function::ConfirmAppointment,
        Function::CancelAppointment,
        Function::StaffApi,
    ];

    /// The crate's (and the Lambda's) name.
    pub fn name(self) -> &'static str {
        match self {
            Function::ListAvailability => "list-availability",
            Function::CreateAppointment => "create-appointment",
            Function::GetAppointment => "get-appointment",
            Function::ConfirmAppointment => "confirm-appointment",
            Function::CancelAppointment => "cancel-appointment",
            Function::StaffApi => "staff-api",
        }
    }

    /// The function called `name`.
    pub fn named(name: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.name() == name)
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// HTTP method.
    pub method: &'static str,
    /// Path, with `{id}` for the appointment id (API Gateway's syntax).
    pub path: &'static str,
    /// The function that serves it.
    pub function: Function,
}

/// Every route of the API.
pub const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        path: "/api/services",
        function: Function::ListAvailability,
    },
    Route {
        method: "GET",
        path: "/api/availability",
        function: Function::ListAvailability,
    },
    Route {
        method: "POST",
        path: "/api/appointments",
        function: Function::CreateAppointment,
    },
    Route {
        method: "POST",
        path: "/api/appointments/resend",
        function: Function::CreateAppointment,
    },
    Route {
        method: "GET",
        path: "/api/challenge",
        function: Function::CreateAppointment,
    },
    Route {
        method: "POST",
        path: "/api/waitlist",
        function: Function::CreateAppointment,
    },
    Route {
        method: "POST",
        path: "/api/waitlist/confirm",
        function: Function::CreateAppointment,
    },
    Route {
        method: "POST",
        path: "/api/waitlist/leave",
        function: Function::CreateAppointment,
    },
    Route {
        method: "GET",
        path: "/api/appointments/{id}",
        function: Function::GetAppointment,
    },
    Route {
        method: "GET",
        path: "/api/appointments/{id}/confirm",
        function: Function::ConfirmAppointment,
    },
    Route {
        method: "POST",
        path: "/api/appointments/{id}/confirm",
        function: Function::ConfirmAppointment,
    },
    Route {
        method: "GET",
        path: "/api/appointments/{id}/manage",
        function: Function::CancelAppointment,
    },
    Route {
        method: "GET",
        path: "/api/appointments/{id}/cancel",
        function: Function::CancelAppointment,
    },
    Route {
        method: "POST",
        path: "/api/appointments/{id}/reschedule",
        function: Function::CancelAppointment,
    },
    Route {
        method: "POST",
        path: "/api/appointments/{id}/cancel",
        function: Function::CancelAppointment,
    },
    staff("GET", "/api/staff/me"),
    staff("GET", "/api/staff/agenda"),
    staff("GET", "/api/staff/appointments/{id}"),
    staff("POST", "/api/staff/appointments/{id}/cancel"),
    staff("POST", "/api/staff/appointments/{id}/meeting"),
    staff("POST", "/api/staff/appointments/{id}/attendance"),
    staff("GET", "/api/staff/closures"),
    staff("POST", "/api/staff/closures"),
    staff("DELETE", "/api/staff/closures/{id}"),
    staff("GET", "/api/staff/export"),
    staff("GET", "/api/staff/statistics"),
    staff("POST", "/api/staff/patrons/export"),
    staff("POST", "/api/staff/patrons/erase"),
    staff("GET", "/api/staff/mail/failed"),
    staff("GET", "/api/staff/audit"),
    staff("POST", "/api/staff/mail/{id}/retry"),
];

/// A staff route: served by [`Function::StaffApi`], behind the sign-in.
const fn staff(method: &'static str, path: &'static str) -> Route {
    Route {
        method,
        path,
        function: Function::StaffApi,
    }
}

/// Whether `path` is a staff route's (signed in only).
pub fn is_staff(path: &str) -> bool {
    path == "/api/staff" || path.starts_with("/api/staff/")
}

/// The function serving `method path` (a concrete path, e.g. `/api/appointments/0190…/cancel`).
pub fn function_for(method: &str, path: &str) -> Option<Function> {
    routes_at(path)
        .find(|r| r.method.eq_ignore_ascii_case(method))
        .map(|r| r.function)
}

/// The routes whose path is `path`: those naming it literally when there are any (so
/// `/api/appointments/resend` is not also the appointment with the id "resend"), else those
/// matching it with their `{param}` segments.
fn routes_at(path: &str) -> impl Iterator<Item = &'static Route> + '_ {
    let literal = ROUTES.iter().any(|r| r.path == path);
    ROUTES.iter().filter(move |r| {
        if literal {
            r.path == path
        } else {
            matches(r.path, path)
        }
    })
}

/// The methods served at a concrete path, as an `Allow` header says them (`HEAD` wherever
/// `GET` is); `None` when no route has that path.
pub fn allowed(path: &str) -> Option<String> {
    let mut methods: Vec<&str> = routes_at(path).map(|r| r.method).collect();
    if methods.is_empty() {
        return None;
    }
    if methods.contains(&"GET") {
        methods.push("HEAD");
    }
    methods.sort_unstable();
    methods.dedup();
    Some(methods.join(", "))
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
