-- A report's location and description are forgettable (`protocol::forgettable::Text`): the read
-- model keeps each as its JSON form (a string in clear, or the sealed object), never opened.
UPDATE security_reports SET location = json_quote(location), description = json_quote(description);
