"""Reading inputs: any supported file (or folder, zip, corpus) to one normalised `Source`."""
