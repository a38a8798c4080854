"""The one error a settings problem raises, and its one-line message."""


class SettingsError(Exception):
    """A settings file that cannot be used; ``str()`` is the one-line message."""

    def __init__(self, source, section, key, value, reason):
        self.source, self.section, self.key = source, section, key
        self.value, self.reason = value, reason
        where = "[%s]" % section if section else ""
        if key is not None:
            shown = str(value).replace("\\", "\\\\").replace("\n", "\\n") if value != "" else '""'
            where += " %s = %s" % (key, shown)
        super().__init__("%s: %s: %s" % (source, where.strip() or "file", reason))
