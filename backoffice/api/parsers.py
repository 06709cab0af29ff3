"""The API's one request parser: JSON only (forms are not an API input), and text the database
can store — a lone surrogate such as ``"\\ud800"`` is valid JSON but not UTF-8, and reached MySQL as
a 500; it is now 400 ``malformed_request``."""

from __future__ import annotations

import json

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def check_encodable(data: object) -> None:
    """Raise ``UnicodeEncodeError`` when any string in ``data`` is not valid UTF-8 text."""
    json.dumps(data, ensure_ascii=False).encode("utf-8")


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        try:
            check_encodable(data)
        except UnicodeEncodeError:
            raise ParseError(_("请求包含无效字符")) from None
        return data
