// The cases a person decides on an application: a probable duplicate (a reviewer), an appeal (a reviewer,
// asked by the applicant), or an account its rail did not confirm (the applicant gives another, or a
// reviewer decides). One task of each kind at most per application.
export const REVIEW_KINDS = ['DUPLICATE', 'APPEAL', 'ACCOUNT'] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];

export const isReviewKind = (value: unknown): value is ReviewKind => (REVIEW_KINDS as readonly unknown[]).includes(value);
