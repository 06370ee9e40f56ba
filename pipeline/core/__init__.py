"""The ground floor: names, errors, values, vocabularies and the metrics contract every stage may use."""
