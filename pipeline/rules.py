"""Rule checks over the year's records. Placeholder until the rule-check work lands."""


def check(ledgers, metrics, config, provenance) -> list[dict]:
    return []
