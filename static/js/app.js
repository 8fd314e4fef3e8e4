// Progressive enhancement only: every page works without this file.
import { initAll } from "/static/build/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

for (const module of document.querySelectorAll("[data-qm-module]")) {
  const name = module.dataset.qmModule;
  import(`/static/js/modules/${name}.js`)
    .then(({ default: start }) => start(module))
    .catch((error) => console.error(`Could not start ${name}`, error));
}
