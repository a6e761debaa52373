"""What a config may say: the schema, friendly values, cron, typed objects, hints."""
