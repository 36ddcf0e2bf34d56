"""No attack: the stub alone, the honest baseline every attack must not beat (0 points)."""
