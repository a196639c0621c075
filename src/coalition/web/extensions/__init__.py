"""Extensions that need the whole app (middleware, the caller resolver); each has ``install``."""
