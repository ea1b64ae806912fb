//! The HTTP functions in one process, as API Gateway would route to them: the one dispatch
//! from a function name (or a route) to its `handle()`, for `rantevou serve` and the tests.

use lambda_http::{Body, Request, Response};
use rantevou_app::{Confirming, Fetching, FreeSlots, Staff};
use rantevou_http::routes::{allowed, function_for};
use rantevou_http::{ApiError, Function};
use rantevou_store::Store;
use rantevou_wiring::{NoKeys, Wiring};

/// Every HTTP function's use case, built once.
#[derive(Clone)]
pub struct Functions {
    free_slots: FreeSlots,
    booking: create_appointment::UseCases,
    fetching: Fetching,
    confirming: Confirming,
    managing: cancel_appointment::Managing,
    staff: Staff,
}

impl Functions {
    /// The functions over one wiring (one store, one mailer, the keys).
    pub fn new<S: Store + 'static>(wiring: &Wiring<S>) -> Result<Self, NoKeys> {
        Ok(Functions {
            free_slots: wiring.free_slots(),
            booking: create_appointment::UseCases {
                booking: wiring.booking()?,
                resending: wiring.resending()?,
                waitlisting: wiring.waitlisting()?,
            },
            fetching: wiring.fetching(),
            confirming: wiring.confirming()?,
            managing: cancel_appointment::Managing {
                cancelling: wiring.cancelling(),
                rescheduling: wiring.rescheduling()?,
            },
            staff: wiring.staff()?,
        })
    }

    /// `req` handled by `function`.
    pub async fn call(&self, function: Function, req: Request) -> Response<Body> {
        match function {
            Function::ListAvailability => list_availability::handle(req, &self.free_slots).await,
            Function::CreateAppointment => create_appointment::handle(req, &self.booking).await,
            Function::GetAppointment => get_appointment::handle(req, &self.fetching).await,
            Function::ConfirmAppointment => {
                confirm_appointment::handle(req, &self.confirming).await
            }
            Function::CancelAppointment => cancel_appointment::handle(req, &self.managing).await,
            Function::StaffApi => staff_api::handle(req, &self.staff).await,
        }
    }

    /// `req` handled by the function its method and path route to (405 with `Allow` when the
    /// path is served with other methods, 404 when it is not served).
    pub async fn route(&self, req: Request) -> Response<Body> {
        let path = req.uri().path();
        match function_for(req.method().as_str(), path) {
            Some(function) => self.call(function, req).await,
            None if allowed(path).is_some() => ApiError::method_not_allowed(path).to_response(),
            None => ApiError::NotFound.to_response(),
        }
    }
}
