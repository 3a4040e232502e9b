"""Whether a requester's e-mail address is at the initiative's own web domain: a hint for the
staff who decide a request to manage it, never a decision by itself."""

from urllib.parse import urlsplit


def website_domain(url: str) -> str:
    if not url:
        return ""
    host = urlsplit(url if "://" in url else f"https://{url}").hostname or ""
    return host.lower().removeprefix("www.")


def email_domain(address: str) -> str:
    return address.rpartition("@")[2].lower().strip() if "@" in (address or "") else ""


def domains_match(email: str, url: str) -> bool:
    """mail@cluster.org and https://www.cluster.org match, so do mail.cluster.org and cluster.org."""
    mail, site = email_domain(email), website_domain(url)
    if not mail or not site:
        return False
    return mail == site or mail.endswith("." + site) or site.endswith("." + mail)
