// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "/static/dist/js/govuk-frontend.min.js";
import "/static/js/timeout-warning.mjs";

initAll();
