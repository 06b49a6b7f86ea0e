"""Subject access requests (UK GDPR art. 15): ``selectors`` decides what an
export holds, ``export`` writes the ZIP, ``views`` are the administrator's pages."""
