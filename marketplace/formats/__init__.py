"""Date and time formats per language (FORMAT_MODULE_PATH): one way of writing a date on a page
in each language. Templates use the names (`|date:"SHORT_DATE_FORMAT"`), never a pattern; what
is not set here comes from Django's own formats of the language."""
