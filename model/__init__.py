"""Everything that knows the model and its data: loading, the CNN, preprocessing, weights."""
