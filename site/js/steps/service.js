// Step 1: the service, who provides it, how it works.

import { h, fill } from "../dom.js";
import { frame, nav, register, show } from "../flow.js";
import { forgetTimes, localized, main, providerName, service, state, t } from "../state.js";
import { linksAgainSection } from "./links-again.js";

register(1, renderService);

function renderService() {
  const text = t();
  const catalog = state.catalog;
  const current = service();
  const choices = [];
  if (catalog.services.length > 1) {
    choices.push(
      h(
        "fieldset",
        { class: "choice" },
        h("legend", null, text.chooseService),
        catalog.services.map((s) =>
          h(
            "div",
            { class: "check" },
            h("input", {
              type: "radio",
              name: "service",
              id: `service-${s.id}`,
              value: s.id,
              checked: s.id === state.serviceId,
              onchange: () => chooseService(s.id),
            }),
            h("label", { for: `service-${s.id}` }, localized(s.name)),
          ),
        ),
      ),
    );
  }
  if (current && current.providers.length > 1) {
    choices.push(
      h("label", { for: "provider" }, text.chooseProvider),
      h(
        "select",
        {
          id: "provider",
          onchange: (e) => {
            state.providerId = e.target.value;
            forgetTimes();
          },
        },
        h("option", { value: "any", selected: state.providerId === "any" }, text.anyProvider),
        current.providers.map((id) => h("option", { value: id, selected: state.providerId === id }, providerName(id))),
      ),
    );
  }
  fill(
    main,
    frame(1, text.serviceHeading),
    h("p", { class: "lead" }, text.serviceIntro),
    current
      ? h(
          "section",
          { class: "card", "aria-labelledby": "service-name" },
          h("h2", { id: "service-name" }, localized(current.name)),
          h("p", null, localized(current.description)),
          h("p", null, text.duration(current.duration_minutes)),
          h("p", null, `${text.providedBy}: `, current.providers.map(providerName).join(", ")),
        )
      : null,
    choices,
    h("h2", null, text.howItWorks),
    h("ol", { class: "how" }, text.howItWorksItems.map((item) => h("li", null, item))),
    nav(h("button", { type: "button", class: "primary", onclick: () => show(2) }, text.next)),
    linksAgainSection({ open: state.openLinksAgain }),
  );
  if (state.openLinksAgain) {
    state.openLinksAgain = false;
    document.getElementById("a-email")?.focus();
  }
}

/** Step 1 with "send me my links" open: where a patron who lost the mail is sent. */
export function showLinksAgain() {
  state.openLinksAgain = true;
  show(1, { focus: false });
}

function chooseService(id) {
  state.serviceId = id;
  state.providerId = "any";
  forgetTimes();
  renderService();
  document.getElementById(`service-${id}`)?.focus();
}

/** The chosen time and every cached month: after a change of service or a taken slot. */
