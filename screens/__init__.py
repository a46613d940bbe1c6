"""The desks: one module per desk with its .tcss beside it. Only the app
imports this package; screens call services, never the other way round."""
