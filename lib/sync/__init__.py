"""Bank feeds: one module per provider (SimpleFIN first) behind lib.sync.base.Provider; lib.sync.service runs a sync."""
