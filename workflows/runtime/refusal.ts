/** ApplicationFailure type of a refused step, for every case kind (the API maps it to 409). */
export const ACTION_REFUSED = 'ActionRefused';
