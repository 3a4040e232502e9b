"""Managers' profile changes, shared by the managers' form and the staff's review in the admin:
what the form edits, what a change would alter, and publishing it with its author in history."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives.cache import bump_catalogue_version
from initiatives.history import recorded_as
from initiatives.models import Initiative, Theme
from initiatives.translation import LANGUAGE_CODES, suffix

from .models import Management, ProfileChange

PLAIN_FIELDS = ("website", "email", "member_count", "year_started")


def description_field(initiative: Initiative, language: str) -> str:
    """The model field of the description in `language`: the original in the initiative's
    language, a translation otherwise."""
    return "description" if language == initiative.language else f"description_{suffix(language)}"


def published_values(initiative: Initiative) -> dict:
    """The managed fields as the public sees them now (themes as sorted ids)."""
    values = {f"description_{suffix(code)}": getattr(initiative, description_field(initiative, code)) or ""
              for code in LANGUAGE_CODES}  # fmt: skip
    values |= {name: getattr(initiative, name) for name in PLAIN_FIELDS}
    values["website"] = values["website"] or ""
    values["email"] = values["email"] or ""
    values["themes"] = sorted(initiative.themes.values_list("pk", flat=True))
    return values


def proposed_values(initiative: Initiative, cleaned: dict) -> dict:
    """{model field: new value} for what the manager's form changes (the description per language
    under the field that holds that language)."""
    published = published_values(initiative)
    changed = {}
    for key, old in published.items():
        new = cleaned.get(key)
        if key == "themes":
            new = sorted(theme.pk for theme in new or [])
        elif key not in ("member_count", "year_started"):
            # Browsers send a textarea's lines ending in CRLF: the same text is no change.
            new = (new or "").replace("\r\n", "\n").strip() if isinstance(new, str) else (new or "")
        if new != old:
            field = description_field(initiative, key.removeprefix("description_").replace("_", "-"))
            changed[field if key.startswith("description_") else key] = new
    return changed


def submit(initiative: Initiative, author, cleaned: dict, logo=None, language=None) -> ProfileChange | None:
    """Record the manager's change (None when it changes nothing); a trusted manager's is
    published at once. `language`: the manager's page's, for the e-mail telling staff's decision."""
    values = proposed_values(initiative, cleaned)
    if not values and logo is None:
        return None
    change = ProfileChange(initiative=initiative, author=author, values=values)
    if language:
        change.page_language = language
    if logo is not None:
        change.logo.save(logo.name, logo, save=False)
    change.save()
    trusted = Management.objects.approved().filter(user=author, initiative=initiative, trusted=True).exists()
    if trusted:
        publish(change, by=None)
    return change


def publish(change: ProfileChange, by=None) -> None:
    """Apply the change to the initiative; its history row names the manager who wrote it."""
    if change.status == ProfileChange.Status.PUBLISHED:
        return
    with transaction.atomic():
        initiative = Initiative.objects.select_for_update().get(pk=change.initiative_id)
        values = dict(change.values)
        themes = values.pop("themes", None)
        for name, value in values.items():
            setattr(initiative, name, value)
        if change.logo:
            initiative.logo = change.logo.name
        initiative._history_user = change.author
        reason = _("Profile change #%(id)s by the initiative's manager") % {"id": change.pk}
        if by is not None:
            reason += ", " + _("approved by %(staff)s") % {"staff": by.get_username()}
        with recorded_as(reason=reason):
            initiative.save()
            if themes is not None:
                initiative.themes.set(Theme.objects.filter(pk__in=themes))
        ProfileChange.objects.filter(pk=change.pk).update(
            status=ProfileChange.Status.PUBLISHED, decided_by=by, decided_at=timezone.now()
        )
        bump_catalogue_version()
    change.refresh_from_db()


def reject(change: ProfileChange, by) -> None:
    ProfileChange.objects.filter(pk=change.pk, status=ProfileChange.Status.PENDING).update(
        status=ProfileChange.Status.REJECTED, decided_by=by, decided_at=timezone.now()
    )


def field_label(initiative: Initiative, name: str) -> str:
    if name == "description":
        return str(_("description (original, %(language)s)") % {"language": initiative.get_language_display()})
    return str(Initiative._meta.get_field(name).verbose_name)


def display(name: str, value) -> str:
    if name == "themes":
        return ", ".join(str(t) for t in Theme.objects.filter(pk__in=value or []))
    return "" if value is None else str(value)


def difference(change: ProfileChange) -> list[tuple[str, str, str]]:
    """(field, published now, proposed) for each field the change touches."""
    initiative = change.initiative
    rows = []
    for name, value in change.values.items():
        if name == "themes":
            now = sorted(initiative.themes.values_list("pk", flat=True))
        else:
            now = getattr(initiative, name)
        rows.append((field_label(initiative, name), display(name, now), display(name, value)))
    if change.logo:
        rows.append((field_label(initiative, "logo"), initiative.logo.name or "", change.logo.name))
    return rows
