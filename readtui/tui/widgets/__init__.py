"""Small widgets of the reading screens; they draw state and post messages upward."""
