"""Texts written in one language and optionally translated into the others.

A model stores its original text in `<field>` with the original's language in `language`, and
optional translations in `<field>_pt_br`, `<field>_es`, `<field>_en`. Pages show the active
language where it exists, otherwise the original marked with its language (never hidden).
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
LANGUAGE_CHOICES = settings.LANGUAGES


def suffix(language_code: str) -> str:
    return language_code.replace("-", "_")


def active_language() -> str:
    code = (get_language() or settings.LANGUAGE_CODE).lower()
    return code if code in LANGUAGE_CODES else settings.LANGUAGE_CODE


@dataclass(frozen=True)
class LocalizedText:
    text: str
    language: str
    is_original_fallback: bool  # True when the page's language has no version of this text

    def __str__(self) -> str:
        return self.text


def localized(obj, field: str, language: str | None = None) -> LocalizedText:
    language = language or active_language()
    original = getattr(obj, field)
    original_language = getattr(obj, "language", "") or settings.LANGUAGE_CODE
    if language == original_language and original:
        return LocalizedText(original, original_language, False)
    translated = getattr(obj, f"{field}_{suffix(language)}", "")
    if translated:
        return LocalizedText(translated, language, False)
    if not original:
        # Written only in a third language (a manager's description): shown in it, marked.
        for other in LANGUAGE_CODES:
            if other != language and (text := getattr(obj, f"{field}_{suffix(other)}", "")):
                return LocalizedText(text, other, True)
    return LocalizedText(original, original_language, bool(original))
