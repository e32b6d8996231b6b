-- CreateTable
CREATE TABLE "statement_day" (
    "provider" TEXT NOT NULL,
    "account" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "imported_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "statement_day_pkey" PRIMARY KEY ("provider","account","day")
);

