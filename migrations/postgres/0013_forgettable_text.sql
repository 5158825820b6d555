-- A report's location and description are forgettable (`protocol::forgettable::Text`): the read
-- model keeps each as its JSON form (a string in clear, or the sealed object), never opened.
UPDATE security_reports SET location = to_json(location)::text, description = to_json(description)::text;
