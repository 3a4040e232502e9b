"""Messages of installed packages that their own catalogues translate wrongly for this site.

Marking them here makes makemessages copy them into this project's catalogues (locale/), whose
translations take precedence over the packages' (LOCALE_PATHS come first), so the corrected
translation is used wherever the package shows the message. Nothing imports this module.
"""

from django.utils.translation import gettext_noop

OVERRIDDEN = [
    # django-countries: Spanish "Trinidad yTobago"; Portuguese "Dominicana" for Dominica, next to
    # "República Dominicana" in the same country list.
    gettext_noop("Trinidad and Tobago"),
    gettext_noop("Dominica"),
    # django-allauth: Portuguese leaves "sign in" in English on the sign-up page, labels the address
    # "Email" where the site says "e-mail", and capitalises as in English ("Lembrar de Mim",
    # Spanish "Restablecer Contraseña").
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    gettext_noop("Email"),
    gettext_noop("Remember Me"),
    gettext_noop("Password Reset"),
    # Django: Spanish "Este campo es requerido." under forms that say "Los campos marcados con * son
    # obligatorios".
    gettext_noop("This field is required."),
]
