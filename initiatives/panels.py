"""Places on the catalogue's pages where other apps add a panel, without this app importing them:
an app registers a template for a slot from its AppConfig.ready(), and the page renders every
template registered for the slot with its own context ({% page_panels "slot" %}).

Slots: "initiative_detail" (context: initiative), "home", "theme" (context: subject, the theme)."""

PANELS: dict[str, list[str]] = {}


def register_panel(slot: str, template_name: str) -> None:
    templates = PANELS.setdefault(slot, [])
    if template_name not in templates:
        templates.append(template_name)
