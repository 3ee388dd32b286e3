import { h } from "../lib/dom.js";

export function render(main) {
  main.append(
    h("section", { class: "card narrow" }, h("h1", {}, "Page not found"), h("p", {}, "There is nothing here. ", h("a", { href: "#/dashboard" }, "Go to the dashboard"), ".")),
  );
}
