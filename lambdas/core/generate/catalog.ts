// Clinical vocabulary for synthetic data. Costs depend on the procedure (base price) and the visit
// type (multiplier), so analytics on the synthetic warehouse show realistic structure.

export const SPECIALTIES = [
  'Family Medicine', 'Internal Medicine', 'Cardiology', 'Pediatrics', 'Orthopedics',
  'Dermatology', 'Neurology', 'Psychiatry', 'Endocrinology', 'Pulmonology',
  'Emergency Medicine', 'Obstetrics and Gynecology',
] as const;

export interface VisitType {
  name: string;
  costMultiplier: number;
  /** Relative frequency. */
  weight: number;
}

export const VISIT_TYPES: readonly VisitType[] = [
  { name: 'Routine Checkup', costMultiplier: 0.8, weight: 35 },
  { name: 'Follow-up', costMultiplier: 0.9, weight: 25 },
  { name: 'Telehealth', costMultiplier: 0.6, weight: 15 },
  { name: 'Urgent Care', costMultiplier: 1.6, weight: 12 },
  { name: 'Emergency', costMultiplier: 3.0, weight: 8 },
  { name: 'Inpatient', costMultiplier: 6.0, weight: 5 },
];

export interface Diagnosis {
  name: string;
  procedures: readonly { name: string; baseCost: number }[];
  weight: number;
}

export const DIAGNOSES: readonly Diagnosis[] = [
  { name: 'Hypertension', weight: 14, procedures: [{ name: 'Blood Pressure Monitoring', baseCost: 85 }, { name: 'Electrocardiogram', baseCost: 210 }] },
  { name: 'Type 2 Diabetes', weight: 11, procedures: [{ name: 'HbA1c Test', baseCost: 60 }, { name: 'Diabetic Foot Exam', baseCost: 120 }] },
  { name: 'Upper Respiratory Infection', weight: 12, procedures: [{ name: 'Physical Examination', baseCost: 110 }, { name: 'Rapid Strep Test', baseCost: 45 }] },
  { name: 'Asthma', weight: 7, procedures: [{ name: 'Spirometry', baseCost: 160 }, { name: 'Nebulizer Treatment', baseCost: 95 }] },
  { name: 'Back Pain', weight: 9, procedures: [{ name: 'X-Ray', baseCost: 240 }, { name: 'Physical Therapy Session', baseCost: 130 }, { name: 'MRI', baseCost: 1400 }] },
  { name: 'Anxiety Disorder', weight: 6, procedures: [{ name: 'Psychotherapy Session', baseCost: 150 }, { name: 'Psychiatric Evaluation', baseCost: 260 }] },
  { name: 'Depression', weight: 6, procedures: [{ name: 'Psychotherapy Session', baseCost: 150 }, { name: 'Medication Management', baseCost: 120 }] },
  { name: 'Hyperlipidemia', weight: 8, procedures: [{ name: 'Lipid Panel', baseCost: 55 }] },
  { name: 'Osteoarthritis', weight: 5, procedures: [{ name: 'Joint Injection', baseCost: 320 }, { name: 'X-Ray', baseCost: 240 }] },
  { name: 'Migraine', weight: 4, procedures: [{ name: 'Neurological Exam', baseCost: 230 }, { name: 'CT Scan', baseCost: 950 }] },
  { name: 'Chest Pain', weight: 4, procedures: [{ name: 'Electrocardiogram', baseCost: 210 }, { name: 'Cardiac Stress Test', baseCost: 780 }] },
  { name: 'Fracture', weight: 3, procedures: [{ name: 'Cast Application', baseCost: 520 }, { name: 'X-Ray', baseCost: 240 }] },
  { name: 'Dermatitis', weight: 4, procedures: [{ name: 'Skin Biopsy', baseCost: 280 }, { name: 'Physical Examination', baseCost: 110 }] },
  { name: 'Pregnancy Care', weight: 3, procedures: [{ name: 'Ultrasound', baseCost: 340 }, { name: 'Prenatal Visit', baseCost: 180 }] },
];

export const GENDERS = [
  { name: 'Female', weight: 50 },
  { name: 'Male', weight: 48 },
  { name: 'Other', weight: 2 },
] as const;
