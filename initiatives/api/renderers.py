"""DRF's JSONRenderer, its output encoded by orjson where that is DRF's own JSON.

json.dumps through DRF's encoder took about 1 ms for a page of 100 initiatives, orjson about a
tenth of it. orjson's output is the same text for what the API serialises (str and its
subclasses, int, float, bool, None, dicts and lists, compact, UTF-8) with two differences made
good here: DRF escapes U+2028 and U+2029 (JavaScript's line separators), and orjson writes a float
below 1e-4 without an exponent (0.00001 where json writes 1e-05: the same number to any JSON
reader). Everything else orjson leaves to DRF's encoder (dates, decimals, lazy translations); an
indented or ASCII-only rendering, or anything orjson refuses, is DRF's own. (A NaN, which no
model validator lets in, would be null instead of DRF's error.)
"""

import orjson
from rest_framework.renderers import JSONRenderer

OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class FastJSONRenderer(JSONRenderer):
    def renders_plainly(self, accepted_media_type=None, renderer_context=None) -> bool:
        """True when orjson writes the response: it then takes JSON already written (orjson.Fragment)."""
        plain = self.compact and not self.ensure_ascii and self.strict
        return plain and self.get_indent(accepted_media_type, renderer_context or {}) is None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None or not self.renders_plainly(accepted_media_type, renderer_context):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            content = orjson.dumps(data, default=self.encoder_class().default, option=OPTIONS)
        except orjson.JSONEncodeError:  # a big integer, a key that is not text…: DRF says what
            return super().render(data, accepted_media_type, renderer_context)
        return content.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
