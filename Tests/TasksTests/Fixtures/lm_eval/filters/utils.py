from lm_eval.api.filter import Filter


class JoinTags(Filter):
    """Joins each response's list of tags with `sep` (a filter class named by `function: !function utils.JoinTags`)."""

    def __init__(self, sep=" ") -> None:
        self.sep = sep

    def apply(self, resps, docs):
        return [[self.sep.join(r) if isinstance(r, list) else r for r in resp] for resp in resps]
